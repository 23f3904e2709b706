/**
 * A chunk's output lines, built in the numbers module's memory: the numbers are written by WebAssembly
 * (src/wasm/write-double.ts, which says how), each byte for byte what JavaScript's String(x) writes, except
 * that -0 keeps its sign; the few it is not sure of come back here and String(x) writes them. No string is
 * made for a number. bench/chunk.ts times it against String(x); the README has the figures.
 */
import { memoryBytes, numbers, reserveWork, WORK } from './wasm-module.js';

/** The longest text a number is written as, e.g. -1.2345678901234567e-308 (24) with room to spare. */
const MAX_DOUBLE_TEXT = 25;

const LF = 0x0a;
const encoder = new TextEncoder();

/**
 * Writes the lines of `rows` rows of `columns` (each at least `rows` long): a row's own text, if any (kept
 * columns), then its numbers separated by the delimiter, then a line feed. The columns are copied into the
 * numbers module's work area, which holds one chunk's work at a time: write a chunk's lines and finish
 * before anything else uses the module (a DecimalReader, another LineWriter).
 */
export class LineWriter {
  private readonly columnsAt: number;
  private readonly start: number;
  private at: number;
  /** Bytes a row's numbers may take at most, with their delimiters and the line feed. */
  private readonly rowBytes: number;

  constructor(
    private readonly columns: readonly Float64Array[],
    private readonly rows: number,
    private readonly delimiter: number,
  ) {
    reserveWork(8 * columns.length * rows);
    this.columnsAt = WORK;
    this.start = WORK + 8 * columns.length * rows;
    this.at = this.start;
    this.rowBytes = columns.length * (MAX_DOUBLE_TEXT + 1);
    const values = new Float64Array(memoryBytes.buffer);
    for (const [c, column] of columns.entries()) values.set(column.subarray(0, rows), (this.columnsAt >> 3) + c * rows);
  }

  /** Text at the start of a row (UTF-8). */
  text(text: string): void {
    reserveWork(this.at - WORK + 3 * text.length);
    this.at += encoder.encodeInto(text, memoryBytes.subarray(this.at)).written;
  }

  /** The numbers of rows [from, to), a line each. */
  lines(from: number, to: number): void {
    reserveWork(this.at - WORK + (to - from) * this.rowBytes);
    this.at = numbers.writeRows(this.columnsAt, this.columns.length, this.rows, from, to, this.delimiter, this.at);
  }

  /**
   * The lines written, copied out of the module's memory: into `reuse` (a recycled buffer) when it is large
   * enough, else into a new buffer. Either way the result shares memory with nothing else, so it can be
   * transferred to another thread.
   */
  finish(reuse?: ArrayBuffer): Uint8Array {
    const length = this.at - this.start;
    const out =
      reuse !== undefined && reuse.byteLength >= length ? new Uint8Array(reuse, 0, length) : new Uint8Array(length);
    out.set(memoryBytes.subarray(this.start, this.at));
    return out;
  }
}

/** One number as the writer writes it: for tests and benchmarks. */
export function formatDouble(x: number): string {
  const writer = new LineWriter([Float64Array.of(x)], 1, LF);
  writer.lines(0, 1);
  const line = writer.finish();
  return Buffer.from(line.buffer, line.byteOffset, line.length - 1).toString('latin1');
}
