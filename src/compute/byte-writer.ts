/**
 * A growable byte buffer for building a chunk's output without intermediate strings. A plain Uint8Array
 * (not a Buffer), whose element stores V8 compiles to single instructions.
 */
const encoder = new TextEncoder();

export class ByteWriter {
  bytes: Uint8Array;
  /** The same memory, for writing several bytes with one (unaligned) store. */
  view: DataView;
  length = 0;

  /** Writes into `reuse` when it is at least `capacity` bytes (a recycled buffer), else into a new one. */
  constructor(capacity = 1 << 16, reuse?: ArrayBuffer) {
    this.bytes = reuse !== undefined && reuse.byteLength >= capacity ? new Uint8Array(reuse) : new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Make room for `extra` more bytes. */
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.length + extra, 2 * this.bytes.length));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  byte(value: number): void {
    if (this.length === this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = value;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  utf8(text: string): void {
    this.reserve(3 * text.length);
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /**
   * The bytes written. A view of this writer's own buffer, which shares memory with nothing else, so it
   * can be transferred to another thread; the writer must not be used afterwards.
   */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
