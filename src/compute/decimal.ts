/**
 * Decimal numbers read straight from bytes, with exactly the grammar and results of numbers.ts's
 * readNumber (the tests compare the two on generated and adversarial fields).
 *
 * Short numbers take Clinger's fast path: a significand of at most 15 digits and a power of ten up to 22
 * are both exact doubles, so one IEEE multiplication or division gives the correctly rounded value.
 * Otherwise, up to 19 digits (the 17 of a round-tripped double, say) and powers of ten up to 100, the
 * significand is exact as a double-double and is multiplied by a double-double power of ten; the result is
 * certain unless it lies within 2^-40 of an ulp from a rounding midpoint. Anything else, or any doubt, goes
 * to Number() on the field's text, which is correctly rounded; only the grammar check is ours then.
 */
import { dd, nearestDouble, POWER_RANGE, timesPowerOfTen, twoSum } from './double-double.js';
const SPACE = 0x20;
const TAB = 0x09;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const E_LOWER = 0x65;
const E_UPPER = 0x45;

const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Sentinel results, out of band for a double: which rule the field broke. */
export const DECIMAL_EMPTY = -1;
export const DECIMAL_SYNTAX = -2;
export const DECIMAL_OVERFLOW = -3;

/**
 * Reads bytes[start, end) into out[index] and returns 0, or returns one of the sentinels above (out[index]
 * is then unspecified). Spaces and tabs around the number are allowed, as readNumber allows them.
 */
export function readDecimal(bytes: Uint8Array, start: number, end: number, out: Float64Array, index: number): number {
  let i = start;
  let stop = end;
  while (i < stop && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
  while (stop > i && (bytes[stop - 1] === SPACE || bytes[stop - 1] === TAB)) stop--;
  if (i === stop) return DECIMAL_EMPTY;
  const after = readDecimalAt(bytes, i, stop, out, index);
  if (after < 0) return after;
  if (after !== stop) return DECIMAL_SYNTAX;
  return Number.isFinite(out[index]!) ? 0 : DECIMAL_OVERFLOW;
}

/**
 * Reads the longest number that starts exactly at bytes[from] (no spaces), looking no further than
 * `stop`, into out[index]; returns where it ends, or DECIMAL_SYNTAX. The plain-chunk parser reads fields
 * this way as it scans. The caller checks what follows first (a field that goes on is a syntax error),
 * then the value: one too large for float64 is stored as an infinity, for the caller to refuse.
 */
export function readDecimalAt(bytes: Uint8Array, from: number, stop: number, out: Float64Array, index: number): number {
  // The sign without a branch: in data it is a coin flip, and a mispredicted branch costs more than this.
  // x === c is 1 - (((x ^ c) + 255) >>> 8) for bytes x and c.
  const first = from < stop ? bytes[from]! : 0;
  const minus = 1 - (((first ^ MINUS) + 255) >>> 8);
  const plus = 1 - (((first ^ PLUS) + 255) >>> 8);
  let i = from + minus + plus;
  // Significant digits 1-9 go into `head`, 10-18 into `tail`, the 19th into `last`; `digits` counts them
  // all (beyond 19, Number() reads the field). Each group is an int32, so a digit costs an integer
  // multiply-add, shorter than a float one: 6% less time a number than one float significand (measured in
  // turns). Leading zeros are skipped first, so a digit is one range check and one multiply-add.
  let head = 0;
  let tail = 0;
  let last = 0;
  let digits = 0;
  let scale = 0; // power of ten to apply to the digits read, as an integer
  const integerStart = i;
  while (i < stop && bytes[i] === ZERO) i++;
  for (; i < stop; i++) {
    const d = bytes[i]! - ZERO;
    if (d >>> 0 > 9) break;
    if (digits < 9) head = (head * 10 + d) | 0;
    else if (digits < 18) tail = (tail * 10 + d) | 0;
    else if (digits === 18) last = d;
    digits++;
  }
  let sawDigit = i > integerStart;
  if (i < stop && bytes[i] === DOT) {
    i++;
    const fractionStart = i;
    if (digits === 0) while (i < stop && bytes[i] === ZERO) i++;
    // The fraction holds most digits, so its run is read in three phases bounded by position: up to 9
    // digits in all into `head`, then up to 18 in all into `tail`, then the rest only counted, so the loops
    // that do the work test no digit count (5% less time a number than the integer part's loop, in turns).
    let bound = i + 9 - digits;
    if (bound > stop) bound = stop;
    let runStart = i;
    for (; i < bound; i++) {
      const d = bytes[i]! - ZERO;
      if (d >>> 0 > 9) break;
      head = (head * 10 + d) | 0;
    }
    digits += i - runStart;
    bound = i + 18 - digits;
    if (bound > stop) bound = stop;
    runStart = i;
    for (; i < bound; i++) {
      const d = bytes[i]! - ZERO;
      if (d >>> 0 > 9) break;
      tail = (tail * 10 + d) | 0;
    }
    digits += i - runStart;
    for (; i < stop; i++) {
      const d = bytes[i]! - ZERO;
      if (d >>> 0 > 9) break;
      if (digits === 18) last = d;
      digits++;
    }
    scale = fractionStart - i;
    sawDigit ||= i > fractionStart;
  }
  if (!sawDigit) return DECIMAL_SYNTAX;
  if (i < stop && (bytes[i] === E_LOWER || bytes[i] === E_UPPER)) {
    i++;
    let exponentNegative = false;
    if (i < stop && (bytes[i] === PLUS || bytes[i] === MINUS)) {
      exponentNegative = bytes[i] === MINUS;
      i++;
    }
    let exponent = 0;
    let exponentDigits = 0;
    for (; i < stop; i++) {
      const d = bytes[i]! - ZERO;
      if (d < 0 || d > 9) break;
      if (exponent < 1e9) exponent = exponent * 10 + d;
      exponentDigits++;
    }
    if (exponentDigits === 0) return DECIMAL_SYNTAX;
    scale += exponentNegative ? -exponent : exponent;
  }
  let value = Number.NaN;
  if (digits <= 15) {
    // Below 10^15, so an exact double; with a power of ten up to 22, Clinger's fast path.
    const significand = digits <= 9 ? head : head * EXACT_POWERS[digits - 9]! + tail;
    if (scale >= -22 && scale <= 22) {
      value = scale >= 0 ? significand * EXACT_POWERS[scale]! : significand / EXACT_POWERS[-scale]!;
    } else if (scale >= -POWER_RANGE && scale <= POWER_RANGE) {
      timesPowerOfTen(significand, 0, scale);
      value = nearestDouble(dd[0]!, dd[1]!);
    }
  } else if (digits <= 19 && scale >= -POWER_RANGE && scale <= POWER_RANGE) {
    // The digits as an exact double-double (they are below 2^64): with head = high * 2^15 + low and
    // m = 10^(digits - 9) <= 10^10, high * m * 2^15 and low * m + rest are both exact doubles.
    const multiplier = EXACT_POWERS[digits - 9]!;
    const rest = digits === 19 ? tail * 10 + last : tail;
    twoSum((head >>> 15) * multiplier * 32768, (head & 0x7fff) * multiplier + rest);
    timesPowerOfTen(dd[0]!, dd[1]!, scale);
    value = nearestDouble(dd[0]!, dd[1]!);
  }
  if (Number.isNaN(value)) {
    value = Math.abs(Number(Buffer.from(bytes.buffer, bytes.byteOffset + from, i - from).toString('latin1')));
  }
  out[index] = value * (1 - 2 * minus);
  return i;
}
