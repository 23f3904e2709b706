/**
 * The Parquet files a thread has open, by path, each with its footer (read with hyparquet) and, once a row
 * group needs it, parquet-wasm's handle on the same descriptor: a thread works through many row groups of
 * the same few files, and opens each once.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { FileMetaData } from 'hyparquet';
import { parquetMetadata } from 'hyparquet';
import type { ParquetFile } from 'parquet-wasm';

export interface OpenParquet {
  readonly fd: number;
  readonly metadata: FileMetaData;
  /** parquet-wasm's reader of the file, made on first use (parquet-source.ts). */
  wasm?: Promise<ParquetFile>;
}

const open = new Map<string, OpenParquet>();
const MAX_OPEN = 8;

export function openParquet(path: string): OpenParquet {
  let entry = open.get(path);
  if (entry === undefined) {
    if (open.size >= MAX_OPEN) {
      const [oldest, { fd }] = open.entries().next().value!;
      open.delete(oldest);
      closeSync(fd);
    }
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const tail = readAt(fd, new Uint8Array(Math.min(size, 8)), size - Math.min(size, 8));
      const length = tail.length === 8 ? new DataView(tail.buffer).getUint32(0, true) : 0;
      const footer = readAt(fd, new Uint8Array(Math.min(size, length + 8)), size - Math.min(size, length + 8));
      entry = { fd, metadata: parquetMetadata(footer.buffer as ArrayBuffer, { geoparquet: false }) };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    open.set(path, entry);
  }
  return entry;
}

/** `bytes.length` bytes of the file from `position`, into `bytes`, with positioned reads. */
export function readAt(fd: number, bytes: Uint8Array, position: number): Uint8Array {
  for (let done = 0; done < bytes.length; ) {
    const read = readSync(fd, bytes, done, bytes.length - done, position + done);
    if (read === 0) throw new Error(`the file ended ${bytes.length - done} bytes early`);
    done += read;
  }
  return bytes;
}
