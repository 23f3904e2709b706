/**
 * An input opened once and sniffed once: a file's handle, its size, and what its first bytes say (gzip's
 * magic number, a UTF-8 byte order mark), learned here and handed on; every later read of the input uses
 * this handle. Gzip is recognised by its magic bytes (not its name) and decompressed on the way.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { bomLength } from '../../compute/csv/record-boundary.js';
import { BatchGradError } from '../../errors.js';

export interface OpenedInput {
  /** The input's name in messages. */
  readonly name: string;
  /** The open file; undefined for stdin. */
  readonly handle: FileHandle | undefined;
  /** A regular file's size (else undefined: stdin, a pipe, a device). */
  readonly size: number | undefined;
  /** What a regular file's first bytes say; stdin and pipes are sniffed as they stream. */
  readonly gzip: boolean;
  readonly bom: number;
  /** The first bytes of a regular file (up to SNIFF_BYTES). */
  readonly head: Uint8Array;
  /** The bytes, decompressed when they are gzip. */
  bytes(): AsyncIterable<Uint8Array>;
  /** A regular file's bytes in [start, end), as they are. */
  range(start: number, end: number): AsyncIterable<Uint8Array>;
  /** A regular file's bytes in [start, end) at once (fewer at its end). */
  bytesAt(start: number, end: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

const PIECE_BYTES = 1 << 20;
const SNIFF_BYTES = 1 << 16;

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

export async function openInput(path: string, stdin: Readable): Promise<OpenedInput> {
  if (path === '-') {
    return {
      name: '<stdin>',
      handle: undefined,
      size: undefined,
      gzip: false,
      bom: 0,
      head: new Uint8Array(0),
      bytes: () => decompressedIfGzip(stdin, '<stdin>'),
      range: notSeekable,
      bytesAt: notSeekable,
      close: async () => {},
    };
  }
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const file = handle;
    const streams: Readable[] = [];
    const stream = (start: number, end?: number): Readable => {
      const piece = file.createReadStream({
        start,
        ...(end === undefined ? {} : { end: end - 1 }),
        highWaterMark: PIECE_BYTES,
        autoClose: false,
      });
      streams.push(piece);
      return piece;
    };
    const close = async (): Promise<void> => {
      for (const piece of streams) piece.destroy();
      await file.close().catch(() => undefined);
    };
    if (!info.isFile()) {
      // A pipe or a device: read once, from where it is, sniffed as it streams.
      return {
        name: path,
        handle: file,
        size: undefined,
        gzip: false,
        bom: 0,
        head: new Uint8Array(0),
        bytes: () => decompressedIfGzip(file.createReadStream({ highWaterMark: PIECE_BYTES, autoClose: false }), path),
        range: notSeekable,
        bytesAt: notSeekable,
        close,
      };
    }
    const head = new Uint8Array(Math.min(SNIFF_BYTES, info.size));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const sniffed = head.subarray(0, bytesRead);
    const gzip = isGzip(sniffed);
    return {
      name: path,
      handle: file,
      size: info.size,
      gzip,
      bom: gzip ? 0 : bomLength(sniffed),
      head: sniffed,
      close,
      bytes: () => (gzip ? gunzipped(stream(0), path) : stream(0)),
      range: (start, end) => (end > start ? stream(start, end) : empty()),
      async bytesAt(start, end) {
        if (end <= sniffed.length) return sniffed.subarray(start, end);
        const bytes = new Uint8Array(Math.max(0, end - start));
        let done = 0;
        for (let got = -1; done < bytes.length && got !== 0; done += got)
          got = (await file.read(bytes, done, bytes.length - done, start + done)).bytesRead;
        return bytes.subarray(0, done);
      },
    };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    const { code, message } = error as NodeJS.ErrnoException;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : message;
    throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${path}: ${why}`, { file: path });
  }
}

function notSeekable(): never {
  throw new Error('a stream has no byte ranges');
}

async function* empty(): AsyncGenerator<Uint8Array> {}

/** The source's bytes, decompressed when its first bytes are gzip's magic number. */
async function* decompressedIfGzip(source: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  const pieces = source[Symbol.asyncIterator]();
  const first = await pieces.next();
  if (first.done === true) return;
  const all = (async function* () {
    yield first.value;
    for (let next = await pieces.next(); next.done !== true; next = await pieces.next()) yield next.value;
  })();
  yield* isGzip(first.value) ? gunzipped(all, name) : all;
}

async function* gunzipped(source: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  // zlib is loaded only for compressed input: it costs a few milliseconds of every start otherwise.
  const { createGunzip } = await import('node:zlib');
  try {
    yield* Readable.from(source).pipe(createGunzip({ chunkSize: PIECE_BYTES }));
  } catch (error) {
    if (error instanceof BatchGradError) throw error;
    throw new BatchGradError('INPUT_COMPRESSED_INVALID', `cannot decompress ${name}: ${(error as Error).message}`, {
      file: name,
    });
  }
}
