/**
 * Row groups of a Parquet file read on the thread that computes them (parquet-wasm, arrow-rs compiled to
 * WebAssembly), as Arrow tables: each worker opens the file itself, through a file-backed blob that reads
 * only the bytes asked for, so no thread ever holds more than the row groups it is working on.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Table } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';
import { BatchGradError } from '../../errors.js';
import { arrow, parquetWasm } from './libraries.js';

/** Open files by path: a thread works through many row groups of the same few files. */
const open = new Map<string, { file: Promise<ParquetFile>; fd: number }>();
const MAX_OPEN = 8;

/**
 * What parquet-wasm asks of a Blob (size, slice, arrayBuffer), answered with one positioned read into the
 * buffer it gets: Node's own file-backed Blob copies each slice through a stream of chunks first.
 */
function fileBlob(fd: number, from = 0, to = fstatSync(fd).size): Blob {
  return {
    size: to - from,
    slice: (start = 0, end = to - from) => fileBlob(fd, from + start, Math.min(to, from + end)),
    arrayBuffer: async () => {
      const bytes = new Uint8Array(to - from);
      for (let done = 0; done < bytes.length;) {
        const read = readSync(fd, bytes, done, bytes.length - done, from + done);
        if (read === 0) throw new Error(`the file ended ${bytes.length - done} bytes early`);
        done += read;
      }
      return bytes.buffer;
    },
  } as unknown as Blob;
}

export function parquetFile(path: string): Promise<ParquetFile> {
  let entry = open.get(path);
  if (entry === undefined) {
    if (open.size >= MAX_OPEN) {
      const [oldest, { fd }] = open.entries().next().value!;
      open.delete(oldest);
      closeSync(fd);
    }
    const fd = openSync(path, 'r');
    entry = { fd, file: parquetWasm().ParquetFile.fromFile(fileBlob(fd)) };
    open.set(path, entry);
  }
  return entry.file;
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
