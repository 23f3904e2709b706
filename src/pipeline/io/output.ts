/**
 * Where results go. A regular file is written under a temporary name beside the target and renamed into
 * place only when the run is complete, so a failed run never leaves an output that looks finished.
 * Anything else (stdout, /dev/full, a named pipe, a terminal) is written in place and never removed:
 * renaming over a device as root would replace the device itself. A name ending in `.gz` is written
 * gzip-compressed.
 *
 * Invariant: a run removes only files it created. A file it replaces is kept under a side name until
 * every output of the run is in place, and put back if one of them fails.
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { BatchGradError } from '../../errors.js';

export interface Output {
  /**
   * Write bytes, waiting when the destination asks us to (backpressure). `written` runs once the bytes
   * have been handed to the system and their buffer may be reused.
   */
  write(bytes: Uint8Array, written?: () => void): Promise<void>;
  /** Flush and close; nothing is in place yet (see publish). */
  finish(): Promise<void>;
  /** Move a finished file into place (nothing to do for a stream written in place). */
  publish(): Promise<void>;
  /** Undo publish(): put back the file it replaced, or remove the one it created. Never throws. */
  rollback(): Promise<void>;
  /** After every output of the run is published: drop what rollback() would have needed. */
  settle(): Promise<void>;
  /** finish(), then publish(). */
  commit(): Promise<void>;
  /** Give up: close and remove whatever was written to a temporary file. Never throws. */
  abort(): Promise<void>;
}

function outputError(path: string, error: unknown): BatchGradError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EPIPE')
    return new BatchGradError('OUTPUT_CLOSED', `${path}: the reader closed the pipe`, { file: path, value: code });
  const why =
    code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOENT'
          ? 'the folder does not exist'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code === 'ENOTDIR'
              ? 'a part of the path is not a folder'
              : code === 'EROFS'
                ? 'the file system is read-only'
                : message;
  return new BatchGradError('OUTPUT_FAILED', `cannot write ${path}: ${why}`, {
    file: path,
    ...(code ? { value: code } : {}),
  });
}

/**
 * Resolves at the stream's next 'drain', 'close' or 'error' (the error itself is recorded by the stream's
 * own listener), and removes all three listeners whichever comes first: racing two `once` calls would
 * leave one listener behind per write.
 */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/**
 * Writes to a stream, turning its errors into one BatchGradError that the next write or commit throws.
 * `sink` is the stream that finally closes, when `stream` feeds it (a gzip stream in front of a file).
 */
class StreamOutput implements Output {
  private failure: BatchGradError | undefined;

  constructor(
    protected readonly stream: Writable,
    protected readonly label: string,
    private readonly ownsStream: boolean,
    private readonly sink: Writable = stream,
  ) {
    for (const s of new Set([stream, sink])) {
      s.on('error', (error) => {
        this.failure ??= outputError(label, error);
      });
    }
  }

  async write(bytes: Uint8Array, written?: () => void): Promise<void> {
    this.check();
    if (!this.stream.write(bytes, written && ((error) => (error ? undefined : written())))) {
      await drained(this.stream);
      this.check();
    }
  }

  async commit(): Promise<void> {
    await this.finish();
    await this.publish();
  }

  async publish(): Promise<void> {}

  async rollback(): Promise<void> {}

  async settle(): Promise<void> {}

  async finish(): Promise<void> {
    this.check();
    if (this.ownsStream) {
      const closed = once(this.sink, 'close').catch(() => undefined);
      this.stream.end();
      await closed;
    } else {
      // stdout stays open for the process; wait until what we wrote is handed to the OS.
      await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
    }
    this.check();
  }

  async abort(): Promise<void> {
    if (!this.ownsStream) return;
    for (const s of new Set([this.stream, this.sink])) {
      if (!s.destroyed) {
        const closed = once(s, 'close').catch(() => undefined);
        s.destroy();
        await closed;
      }
    }
  }

  protected check(): void {
    if (this.failure) throw this.failure;
  }
}

/** A regular file, written as `.<name>.<pid>.tmp` in the same folder and renamed on commit. */
class AtomicFileOutput extends StreamOutput {
  /** Set by publish(): what rollback() restores. */
  private replaced: { backup: string | undefined } | undefined;

  constructor(
    stream: Writable,
    file: WriteStream,
    private readonly target: string,
    private readonly temporary: string,
  ) {
    super(stream, target, true, file);
  }

  override async finish(): Promise<void> {
    try {
      await super.finish();
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  override async publish(): Promise<void> {
    // The replaced file is renamed aside first, never renamed over: ext4 makes a rename over a file write
    // out the new one before it returns (auto_da_alloc), which costs a large output a large share of its run
    // (docs/performance.md). A symbolic link is moved as itself.
    const existing = await lstat(this.target).catch(() => undefined);
    const backup = existing !== undefined && !existing.isDirectory() ? sidePathFor(this.target, 'bak') : undefined;
    let asideDone = false;
    try {
      if (backup !== undefined) {
        await rename(this.target, backup);
        asideDone = true;
      }
      await rename(this.temporary, this.target);
    } catch (error) {
      if (asideDone) await rename(backup!, this.target).catch(() => undefined);
      await this.abort();
      throw outputError(this.target, error);
    }
    this.replaced = { backup };
  }

  override async rollback(): Promise<void> {
    const replaced = this.replaced;
    if (replaced === undefined) return;
    this.replaced = undefined;
    if (replaced.backup === undefined) await unlink(this.target).catch(() => undefined);
    else await rename(replaced.backup, this.target).catch(() => undefined);
  }

  override async settle(): Promise<void> {
    const backup = this.replaced?.backup;
    this.replaced = undefined;
    if (backup !== undefined) await unlink(backup).catch(() => undefined);
  }

  override async abort(): Promise<void> {
    await super.abort();
    await unlink(this.temporary).catch(() => undefined);
  }
}

/**
 * `.<name>.<host>.<pid>.tmp` (the output being written) or `.bak` (the file it replaces, until the run
 * commits). The host is in the name because a folder may be shared between machines, where a process id
 * says nothing about another machine's processes.
 */
function sidePathFor(target: string, kind: 'tmp' | 'bak'): string {
  return join(dirname(target), `.${basename(target)}.${hostname()}.${process.pid}.${kind}`);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a process with this id is running (EPERM: it is, as another user's). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The temporaries of `target` left by runs on this machine that were killed (SIGKILL, a power cut) and can
 * no longer clean up: removed, since no one else will. Another machine's are left to it. A backup (`.bak`)
 * is left: a run killed between publishing and settling may have kept the only copy of the file it replaced.
 */
async function removeStaleSideFiles(target: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.${escapeRegExp(hostname())}\\.(\\d+)\\.tmp$`);
  const folder = dirname(target);
  const entries = await readdir(folder).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      await unlink(join(folder, entry)).catch(() => undefined);
  }
}

/** Open the output: `-` is stdout (given as `stdout`); a path is a file, replaced atomically if regular. */
export async function openOutput(path: string, stdout: Writable): Promise<Output> {
  if (path === '-') return new StreamOutput(stdout, '<stdout>', false);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw outputError(path, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  // zlib is loaded only for a .gz output: it costs a few milliseconds of every start otherwise.
  const gzip = path.endsWith('.gz') ? (await import('node:zlib')).createGzip : undefined;
  const compressing = (file: WriteStream): Writable => {
    if (gzip === undefined) return file;
    const stream = gzip();
    stream.pipe(file);
    return stream;
  };
  if (existing !== undefined && !existing.isFile()) {
    return openStream(path, path, (file) => new StreamOutput(compressing(file), path, true, file));
  }
  await removeStaleSideFiles(path);
  const temporary = sidePathFor(path, 'tmp');
  return openStream(temporary, path, (file) => new AtomicFileOutput(compressing(file), file, path, temporary));
}

/**
 * Finish every output, then publish them all: a run's outputs (results, rejects, summary) appear
 * together or not at all. On any failure every one is aborted, and those already moved into place are
 * rolled back: a file they replaced is put back, one they created is removed, a pipe or device is left.
 */
export async function commitAll(outputs: ReadonlyArray<Output | undefined>): Promise<void> {
  const present = outputs.filter((output): output is Output => output !== undefined);
  const published: Output[] = [];
  try {
    for (const output of present) await output.finish();
    for (const output of present) {
      await output.publish();
      published.push(output);
    }
  } catch (error) {
    for (const output of published.reverse()) await output.rollback();
    for (const output of present) await output.abort();
    throw error;
  }
  for (const output of present) await output.settle();
}

/** Open a write stream and wait until it is open, so that a bad path fails here with a clear message. */
async function openStream(path: string, label: string, wrap: (stream: WriteStream) => Output): Promise<Output> {
  const stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  try {
    await once(stream, 'ready'); // rejects with the open error (ENOENT, EACCES, ...)
  } catch (error) {
    throw outputError(label, error);
  }
  return wrap(stream);
}
