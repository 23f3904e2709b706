/**
 * Opening the input: a file (read in 1 MiB pieces) or stdin, with a clear error if it cannot be read.
 * Gzip input, file or stdin, is recognised by its magic bytes (not its name) and decompressed on the way.
 */
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BatchGradError } from '../errors.js';

export interface Input {
  readonly name: string;
  readonly bytes: AsyncIterable<Uint8Array>;
  /** Size in bytes when known (a regular, uncompressed file), for progress. */
  readonly size: number | undefined;
  close(): Promise<void>;
}

const PIECE_BYTES = 1 << 20;

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The source's bytes, decompressed when its first bytes are gzip's magic number. */
async function* decompressedIfGzip(source: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  const pieces = source[Symbol.asyncIterator]();
  const first = await pieces.next();
  if (first.done === true) return;
  const all = (async function* () {
    yield first.value;
    for (let next = await pieces.next(); next.done !== true; next = await pieces.next()) yield next.value;
  })();
  if (!isGzip(first.value)) {
    yield* all;
    return;
  }
  // zlib is loaded only for compressed input: it costs a few milliseconds of every start otherwise.
  const { createGunzip } = await import('node:zlib');
  try {
    yield* Readable.from(all).pipe(createGunzip({ chunkSize: PIECE_BYTES }));
  } catch (error) {
    if (error instanceof BatchGradError) throw error;
    const why = (error as Error).message;
    throw new BatchGradError('INPUT_COMPRESSED_INVALID', `cannot decompress ${name}: ${why}`, { file: name });
  }
}

export async function openInput(path: string, stdin: Readable): Promise<Input> {
  if (path === '-') return { name: '<stdin>', bytes: decompressedIfGzip(stdin, '<stdin>'), size: undefined, close: async () => {} };
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const handle = await open(path, 'r');
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    const compressed = isGzip(magic.subarray(0, bytesRead));
    const stream = handle.createReadStream({ highWaterMark: PIECE_BYTES, start: 0 });
    return {
      name: path,
      bytes: compressed ? decompressedIfGzip(stream, path) : stream,
      // Progress counts the bytes the parser sees; a compressed file's size does not measure them.
      size: info.isFile() && !compressed ? info.size : undefined,
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
