/** Opening the input: a file (read in 1 MiB pieces) or stdin, with a clear error if it cannot be read. */
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { BatchGradError } from '../errors.js';

export interface Input {
  readonly name: string;
  readonly bytes: AsyncIterable<Uint8Array>;
  /** Size in bytes when known (a regular file), for progress. */
  readonly size: number | undefined;
  close(): Promise<void>;
}

const PIECE_BYTES = 1 << 20;

export async function openInput(path: string, stdin: Readable): Promise<Input> {
  if (path === '-') return { name: '<stdin>', bytes: stdin, size: undefined, close: async () => {} };
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const handle = await open(path, 'r');
    const stream = handle.createReadStream({ highWaterMark: PIECE_BYTES });
    return {
      name: path,
      bytes: stream,
      size: info.isFile() ? info.size : undefined,
      close: async () => {
        stream.destroy();
        await handle.close().catch(() => undefined);
      },
    };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : message;
    throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${path}: ${why}`, { file: path });
  }
}
