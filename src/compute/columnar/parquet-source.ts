/**
 * Row groups of a Parquet file read on the thread that computes them (parquet-wasm, arrow-rs compiled to
 * WebAssembly), as Arrow tables: each worker opens the file itself, through a file-backed Blob that reads
 * only the bytes asked for, so no thread ever holds more than the row groups it is working on.
 */
import { openAsBlob } from 'node:fs';
import type { Table } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';
import { BatchGradError } from '../../errors.js';
import { arrow, parquetWasm } from './libraries.js';

/** Open files by path: a thread works through many row groups of the same few files. */
const open = new Map<string, Promise<ParquetFile>>();
const MAX_OPEN = 8;

export function parquetFile(path: string): Promise<ParquetFile> {
  let file = open.get(path);
  if (file === undefined) {
    if (open.size >= MAX_OPEN) open.delete(open.keys().next().value!);
    file = openAsBlob(path).then((blob) => parquetWasm().ParquetFile.fromFile(blob));
    open.set(path, file);
  }
  return file;
}

export function formatError(path: string, error: unknown): BatchGradError {
  return new BatchGradError('FORMAT_INVALID', `${path}: not a Parquet file, or damaged: ${error instanceof Error ? error.message : String(error)}`, { file: path });
}

/** Row group `rowGroup` of `path`, only `columns`, as one Arrow table in JavaScript memory. */
export async function readRowGroup(path: string, rowGroup: number, columns: readonly string[]): Promise<Table> {
  try {
    const file = await parquetFile(path);
    const rows = file.metadata().rowGroup(rowGroup).numRows();
    const table = await file.read({ rowGroups: [rowGroup], columns: [...columns], batchSize: Math.max(1, rows) });
    return arrow().tableFromIPC(table.intoIPCStream());
  } catch (error) {
    throw error instanceof BatchGradError ? error : formatError(path, error);
  }
}
