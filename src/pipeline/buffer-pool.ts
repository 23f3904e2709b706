/**
 * Recycled ArrayBuffers for chunks and their outputs. Without it, every chunk allocates a fresh megabyte
 * or two that crosses to another thread and waits there for a garbage collection; measured here, that
 * held 55-70 MiB of dead buffers on the coordinator during a 1M-row run. Buffers go to a worker with a
 * task and come back with its result, so a run reuses a few dozen buffers from start to end.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes: a recycled one if one is large enough, else a new one. */
  take(size: number): ArrayBuffer {
    const index = this.free.findIndex((buffer) => buffer.byteLength >= size);
    if (index >= 0) return this.free.splice(index, 1)[0]!;
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
