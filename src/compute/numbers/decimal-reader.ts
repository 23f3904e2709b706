/**
 * Decimal numbers read straight from a chunk's bytes, with exactly the grammar and results of grammar.ts's
 * readNumber (the tests compare the two on generated and adversarial fields).
 *
 * The reading itself is WebAssembly (src/wasm/read-decimal.ts, which says how it stays exact): a
 * DecimalReader copies its chunk into the numbers module's memory once, then each field costs one call.
 * Where the module cannot be sure of the rounding it answers NaN, and the field's text goes to Number(),
 * which is correctly rounded; only the grammar check is ours then.
 */
import { memoryBytes, memoryValue, numbers, reserveWork, WORK } from './wasm-module.js';

type NumberReadAt = (from: number, stop: number) => number;

const SPACE = 0x20;
const TAB = 0x09;

/** Sentinel results, out of band for a double: which rule the field broke. */
export const DECIMAL_EMPTY = -1;
export const DECIMAL_SYNTAX = -2;
export const DECIMAL_OVERFLOW = -3;

/**
 * Reads the numbers of one chunk. The chunk is copied into the numbers module's work area, which holds
 * one chunk's work at a time: read a chunk's fields before anything else uses the module (writing a
 * chunk's output, or another reader).
 */
export class DecimalReader {
  private readonly readAtModule: NumberReadAt;

  constructor(private readonly bytes: Uint8Array) {
    reserveWork(bytes.length);
    memoryBytes.set(bytes, WORK);
    this.readAtModule = numbers.readAt;
  }

  /**
   * Reads the longest number that starts exactly at bytes[from] (no spaces), looking no further than
   * `stop`, into out[index]; returns where it ends, or DECIMAL_SYNTAX. The caller checks what follows
   * (a field that goes on is a syntax error), then the value: one too large for float64 is stored as an
   * infinity, for the caller to refuse. read() below does both.
   */
  readAt(from: number, stop: number, out: Float64Array, index: number): number {
    const end = this.readAtModule(from, stop);
    if (end < 0) return end;
    let value = memoryValue[0]!;
    // NaN: the module was not sure of the rounding (or the number is long, tiny or huge).
    if (Number.isNaN(value))
      value = Number(Buffer.from(this.bytes.buffer, this.bytes.byteOffset + from, end - from).toString('latin1'));
    out[index] = value;
    return end;
  }

  /**
   * Reads bytes[start, end) into out[index] and returns 0, or returns one of the sentinels above (out[index]
   * is then unspecified). Spaces and tabs around the number are allowed, as readNumber allows them.
   */
  read(start: number, end: number, out: Float64Array, index: number): number {
    const bytes = this.bytes;
    let i = start;
    let stop = end;
    while (i < stop && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
    while (stop > i && (bytes[stop - 1] === SPACE || bytes[stop - 1] === TAB)) stop--;
    if (i === stop) return DECIMAL_EMPTY;
    const after = this.readAt(i, stop, out, index);
    if (after < 0) return after;
    if (after !== stop) return DECIMAL_SYNTAX;
    return Number.isFinite(out[index]!) ? 0 : DECIMAL_OVERFLOW;
  }
}
