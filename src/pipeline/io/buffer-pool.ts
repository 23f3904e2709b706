/**
 * Recycled ArrayBuffers for chunks and their outputs. Without it, every chunk allocates a fresh megabyte
 * or two that crosses to another thread and waits there for a garbage collection, so dead buffers pile up
 * on the coordinator (docs/performance.md has the figure). Buffers go to a worker with a
 * task and come back with its result, so a run reuses a few dozen buffers from start to end.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes: the smallest recycled one that fits, else a new one. */
  take(size: number): ArrayBuffer {
    // Best fit, so that small requests (input chunks) do not use up the buffers sized for outputs.
    let best = -1;
    this.free.forEach((buffer, i) => {
      if (buffer.byteLength >= size && (best < 0 || buffer.byteLength < this.free[best]!.byteLength)) best = i;
    });
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    // Round up, so that a slightly larger chunk next time still fits a recycled buffer.
    return new ArrayBuffer(Math.max(size + (size >> 3), 1 << 16));
  }

  /** `take(size)` as a Uint8Array of exactly `size` bytes. */
  bytes(size: number): Uint8Array {
    return new Uint8Array(this.take(size), 0, size);
  }

  /** Hand a buffer back (ignored if detached, or if enough are kept already). */
  give(buffer: ArrayBufferLike | undefined): void {
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && this.free.length < this.keep) this.free.push(buffer);
  }
}

/** Buffers enough for every task in flight (2 per thread), its output, and those being written. */
export const runBuffers = (threads: number): BufferPool => new BufferPool(4 * threads + 4);
