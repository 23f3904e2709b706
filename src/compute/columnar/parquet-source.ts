/**
 * Row groups of a Parquet file read on the thread that computes them, as Arrow tables: page by page where
 * the columns are plain numbers (parquet-pages.ts), else by parquet-wasm (arrow-rs compiled to WebAssembly)
 * through a file-backed blob that reads only the bytes asked for. Each worker opens the file itself
 * (open-parquet.ts), so no thread ever holds more than the row groups it is working on.
 */
import { fstatSync } from 'node:fs';
import type { Table, Vector } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';
import { BatchGradError } from '../../errors.js';
import { arrow, parquetWasm } from './libraries.js';
import { openParquet, readAt } from './open-parquet.js';
import { readPlainRowGroup } from './parquet-pages.js';

/**
 * What parquet-wasm asks of a Blob (size, slice, arrayBuffer), answered with one positioned read into the
 * buffer it gets: Node's own file-backed Blob copies each slice through a stream of chunks first.
 */
function fileBlob(fd: number, from = 0, to = fstatSync(fd).size): Blob {
  return {
    size: to - from,
    slice: (start = 0, end = to - from) => fileBlob(fd, from + start, Math.min(to, from + end)),
    arrayBuffer: async () => readAt(fd, new Uint8Array(to - from), from).buffer,
  } as unknown as Blob;
}

function parquetFile(path: string): Promise<ParquetFile> {
  const file = openParquet(path);
  file.wasm ??= parquetWasm().ParquetFile.fromFile(fileBlob(file.fd));
  return file.wasm;
}

export function formatError(path: string, error: unknown): BatchGradError {
  return new BatchGradError(
    'FORMAT_INVALID',
    `${path}: not a Parquet file, or damaged: ${error instanceof Error ? error.message : String(error)}`,
    { file: path },
  );
}

/**
 * A row group is read a few columns at a time, up to about this many bytes of column chunks: parquet-wasm's
 * memory grows to several times what one read decodes and never shrinks, so a wide row group read whole
 * would hold hundreds of megabytes in every thread.
 */
const READ_BYTES = 8 << 20;

/** Row group `rowGroup` of `path`, only `columns`, as one Arrow table in JavaScript memory. */
export async function readRowGroup(path: string, rowGroup: number, columns: readonly string[]): Promise<Table> {
  try {
    const plain = readPlainRowGroup(path, rowGroup, columns);
    if (plain !== undefined) return plain;
    const file = await parquetFile(path);
    const group = file.metadata().rowGroup(rowGroup);
    const rows = group.numRows();
    const sizes = new Map(group.columns().map((chunk) => [chunk.columnPath()[0]!, chunk.uncompressedSize()]));
    const tables: Table[] = [];
    for (const part of columnGroups(columns, (name) => sizes.get(name) ?? 0)) {
      const read = await file.read({ rowGroups: [rowGroup], columns: part, batchSize: Math.max(1, rows) });
      // The IPC stream is a copy in JavaScript memory: the table's vectors outlive the next read.
      tables.push(arrow().tableFromIPC(read.intoIPCStream()));
    }
    // One read (no columns at all, for a model of parameters only, is one read too): its table has the rows.
    if (tables.length === 1) return tables[0]!;
    const vectors: Record<string, Vector> = {};
    for (const table of tables) {
      for (const field of table.schema.fields) vectors[field.name] = table.getChild(field.name)!;
    }
    return new (arrow().Table)(vectors);
  } catch (error) {
    throw error instanceof BatchGradError ? error : formatError(path, error);
  }
}

/** `columns` in order, cut into runs of at most READ_BYTES (a larger column is a run of its own); one run if none. */
function columnGroups(columns: readonly string[], bytes: (name: string) => number): string[][] {
  if (columns.length === 0) return [[]];
  const groups: string[][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const name of columns) {
    if (size + bytes(name) > READ_BYTES) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]!.push(name);
    size += bytes(name);
  }
  return groups;
}
