/**
 * AssemblyScript, compiled by `asc` with write-double.ts into dist/wasm/numbers.wasm (not by tsc): the
 * number reader. read-records.ts reads a chunk's common records with it; src/compute/numbers/decimal-reader.ts
 * calls readAt for single fields.
 *
 * Why WebAssembly: reading numbers is a large share of a worker's time. Here the significand is one u64
 * (JavaScript has no fast 64-bit integer), eight digits are tested and converted at once, and the loads need
 * no bounds or type checks (bench/chunk.ts times it; docs/performance.md has the figures).
 *
 * What it computes, and why it is exact: a significand of at most 15
 * digits with a power of ten up to 22 takes Clinger's fast path (both are exact doubles, so one IEEE
 * multiplication or division rounds correctly). Otherwise, up to 19 digits and powers of ten up to 100, the
 * significand is exact as a double-double and is multiplied by a double-double power of ten (relative error
 * below 2^-100); the result is certain unless it lies within 2^-40 of an ulp from a rounding midpoint. In
 * every other case (more digits, a larger power, any doubt, a tiny or huge result) the value is NaN and the
 * caller reads the field with Number(), which is correctly rounded.
 */

// @ts-nocheck: AssemblyScript's types (i32, u64, load, store, reinterpret) are not TypeScript's.

import { EXACT_POWERS, POWER_HEAD, POWER_HI, POWER_LO, POWER_RANGE, POWER_TAIL, RESULT, WORK } from './layout';

const SYNTAX: i32 = -2;
const SPLITTER: f64 = 134217729.0; // 2^27 + 1
/** 1 - 2^-40: a result this close to a midpoint between two doubles is left to Number(). */
const MARGIN: f64 = 0.9999999999990905052982270717620849609375;

/** The double-double result of timesPowerOfTen. */
let ddHi: f64 = 0;
let ddLo: f64 = 0;

/** ddHi + ddLo ~ (mh + ml) * 10^s with a relative error below 2^-100 (|s| <= POWER_RANGE). */
// @ts-ignore: decorator
@inline
function timesPowerOfTen(mh: f64, ml: f64, s: i32): void {
  const at = usize(s + POWER_RANGE) << 3;
  const th = load<f64>(POWER_HI + at);
  // Dekker's exact product mh * th, with th's split taken from the table.
  const p = mh * th;
  const t = SPLITTER * mh;
  const mHead = t - (t - mh);
  const mTail = mh - mHead;
  const th1 = load<f64>(POWER_HEAD + at);
  const th2 = load<f64>(POWER_TAIL + at);
  const lo = mHead * th1 - p + mHead * th2 + mTail * th1 + mTail * th2 + (mh * load<f64>(POWER_LO + at) + ml * th);
  // Renormalise (fast two-sum: |p| >= |lo|).
  const sum = p + lo;
  ddLo = lo - (sum - p);
  ddHi = sum;
}

/**
 * The double nearest to hi + lo (which approximates a real number to within 2^-100 relative), or NaN when
 * that real may lie too close to a midpoint to be sure, or the result is tiny (below 2^-969), huge, or a
 * power of two (where the gap below is half the gap above).
 */
function nearestDouble(hi: f64, lo: f64): f64 {
  const bits = reinterpret<u64>(hi);
  const exponent = i32((bits >> 52) & 0x7ff);
  if (exponent < 54 || exponent >= 0x7fe) return NaN;
  if ((bits & 0xfffffffffffff) == 0) return NaN;
  // Half an ulp: 2^(exponent - 1076), built from its bits.
  const halfUlp = reinterpret<f64>(u64(exponent - 53) << 52);
  if (abs<f64>(lo) > halfUlp * MARGIN) return NaN;
  return hi;
}

/** Whether the 8 bytes of a little-endian word are all ASCII digits (as in fast_float and simdjson). */
// @ts-ignore: decorator
@inline
function allDigits(word: u64): bool {
  return (((word + 0x4646464646464646) | (word - 0x3030303030303030)) & 0x8080808080808080) == 0;
}

/** The number 8 ASCII digits spell, the first in the word's lowest byte (fast_float's SWAR method). */
// @ts-ignore: decorator
@inline
function eightDigitsValue(word: u64): u64 {
  let value = word - 0x3030303030303030;
  value = value * 10 + (value >> 8);
  return (((value & 0x000000ff000000ff) * 0x000f424000000064) + (((value >> 16) & 0x000000ff000000ff) * 0x0000271000000001)) >> 32;
}

/** The value the last readNumber read (NaN: read the text from its start to its end with Number()). */
export let numberValue: f64 = 0;

/**
 * Reads the longest number that starts exactly at work[from] (no spaces), looking no further than
 * work[stop - 1]. Returns where it ends, with its value in numberValue, or returns SYNTAX. The grammar is
 * readNumber's (compute/numbers/grammar.ts): an optional sign, digits with an optional point (at least
 * one digit in all), an optional exponent with at least one digit.
 */
// @ts-ignore: decorator
@inline
export function readNumber(from: i32, stop: i32): i32 {
  const base = WORK;
  const first: u32 = from < stop ? load<u8>(base + from) : 0;
  const minus = i32(first == 0x2d);
  let i = from + minus + i32(first == 0x2b);
  // The significant digits in one u64: 19 digits fit (10^19 < 2^64). Past 19 it wraps, harmlessly: the
  // count says Number() reads such a field.
  let significand: u64 = 0;
  let digits = 0;
  const integerStart = i;
  while (i < stop && load<u8>(base + i) == 0x30) i++;
  let runStart = i;
  for (; i < stop; i++) {
    const d = u32(load<u8>(base + i)) - 0x30;
    if (d > 9) break;
    significand = significand * 10 + d;
  }
  digits = i - runStart;
  let sawDigit = i > integerStart;
  let scale: i64 = 0; // the power of ten to apply to the significand
  if (i < stop && load<u8>(base + i) == 0x2e) {
    i++;
    const fractionStart = i;
    if (digits == 0) while (i < stop && load<u8>(base + i) == 0x30) i++;
    runStart = i;
    // Eight digits at a time while they last (a round-tripped double has 15-17), then one at a time.
    while (i + 8 <= stop) {
      const eight = load<u64>(base + i);
      if (!allDigits(eight)) break;
      significand = significand * 100000000 + eightDigitsValue(eight);
      i += 8;
    }
    for (; i < stop; i++) {
      const d = u32(load<u8>(base + i)) - 0x30;
      if (d > 9) break;
      significand = significand * 10 + d;
    }
    digits += i - runStart;
    scale = i64(fractionStart - i);
    sawDigit = sawDigit || i > fractionStart;
  }
  if (!sawDigit) return SYNTAX;
  if (i < stop && (load<u8>(base + i) | 0x20) == 0x65) {
    i++;
    let exponentNegative = false;
    if (i < stop) {
      const c = load<u8>(base + i);
      if (c == 0x2b || c == 0x2d) {
        exponentNegative = c == 0x2d;
        i++;
      }
    }
    let exponent: i64 = 0;
    const exponentStart = i;
    for (; i < stop; i++) {
      const d = u32(load<u8>(base + i)) - 0x30;
      if (d > 9) break;
      if (exponent < 1000000000) exponent = exponent * 10 + d;
    }
    if (i == exponentStart) return SYNTAX;
    scale += exponentNegative ? -exponent : exponent;
  }

  let value: f64 = NaN;
  if (digits <= 15) {
    // Below 10^15, so an exact double; with a power of ten up to 22, Clinger's fast path.
    const exact = f64(significand);
    if (scale >= -22 && scale <= 22) {
      value = scale >= 0
        ? exact * load<f64>(EXACT_POWERS + (usize(scale) << 3))
        : exact / load<f64>(EXACT_POWERS + (usize(-scale) << 3));
    } else if (scale >= -POWER_RANGE && scale <= POWER_RANGE) {
      timesPowerOfTen(exact, 0, i32(scale));
      value = nearestDouble(ddHi, ddLo);
    }
  } else if (digits <= 19 && scale >= -POWER_RANGE && scale <= POWER_RANGE) {
    // The significand as an exact double-double: its bits from 11 up are at most 53 bits, the rest 11.
    const high = f64(significand & ~(<u64>0x7ff));
    const low = f64(significand & 0x7ff);
    const sum = high + low;
    const bb = sum - high;
    timesPowerOfTen(sum, high - (sum - bb) + (low - bb), i32(scale));
    value = nearestDouble(ddHi, ddLo);
  }
  // The sign without a branch; NaN stays NaN for the caller's Number().
  numberValue = value * f64(1 - 2 * minus);
  return i;
}

/** readNumber for JavaScript (src/compute/numbers/decimal-reader.ts): the value goes to RESULT. */
export function readAt(from: i32, stop: i32): i32 {
  const end = readNumber(from, stop);
  store<f64>(RESULT, numberValue);
  return end;
}
