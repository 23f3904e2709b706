/**
 * AssemblyScript, compiled by `asc` with read-decimal.ts into dist/wasm/numbers.wasm (not by tsc): the
 * number writer. src/compute/numbers/line-writer.ts copies a chunk's output columns into the work area (see
 * layout.ts) and calls writeRows, which writes their CSV lines after them.
 *
 * Each number is written as String(x) writes it (the shortest decimal that reads back as the same double,
 * the nearest such if several), except that -0 keeps its sign. How: with k = floor(log10 x), V = x *
 * 10^(16-k) in double-double and G = half an ulp of x on the same scale, a decimal reads back as x exactly
 * when its distance to V is below G. N = round(V) is the nearest 17-digit decimal (it always reads back).
 * The nearest 15-digit decimal is the multiple of 100 nearest to V, the nearest 16-digit one the multiple
 * of 10: both follow from N's last digits and N - V, so one multiplication serves all three. The shortest
 * that reads back wins (a 15-digit one is unique, and with its trailing zeros dropped it is the shortest of
 * all). Any doubt (a tie, a distance too close to G, a value off the table, a power of two, a tiny
 * number, a subnormal, an infinity or NaN) goes to the caller's String(x), imported as writeFallback.
 *
 * N is kept as two integers, its first 9 digits and its last 8, so every step after the one product is
 * exact small-integer arithmetic. The choice of 15, 16 or 17 digits is made without branches (comparisons
 * select the candidate): on real data these choices are coin flips, and a mispredicted branch costs more
 * than the arithmetic. What decides the speed is the chain of steps from x to the number's length, which
 * the next number's bytes wait for: each step on it is kept short (integer division by constants, selects;
 * bench/chunk.ts times it).
 */

// @ts-nocheck: AssemblyScript's types (i32, u64, usize, load, store, reinterpret) are not TypeScript's.

import { DECIMAL_EXPONENT, DIGIT_QUADS, POWER_HEAD, POWER_HI, POWER_LO, POWER_RANGE, POWER_TAIL } from './layout';

/** Writes String(x) at `at` and returns where it ends: the JavaScript side, for the numbers above. */
@external("env", "writeFallback")
declare function writeFallback(x: f64, at: usize): usize;

const MINUS: u8 = 0x2d;
const DOT: u8 = 0x2e;
const ZERO: u32 = 0x30;
const SPLITTER: f64 = 134217729.0; // 2^27 + 1
/** x's decimal exponent k must keep 16 - k and k + 1 inside the power table. */
const LOWEST_K: i32 = 17 - 100;
const HIGHEST_K: i32 = 100 - 2;
/** "0.00" and "0000" as little-endian words: a number below 1 starts with up to 6 of these bytes. */
const ZERO_POINT_ZEROS: u32 = 0x30302e30;
const FOUR_ZEROS: u32 = 0x30303030;
/**
 * Below this distance (in units of N's last digit) from a tie or from the edge of x's interval, a decision
 * is left to String(x). The quantities compared are known to about 2^-46 of a unit; the margin is this
 * wide so that negativeBit, which looks at steps of 2^-20, is right for everything outside it.
 */
const DOUBT: f64 = 0.000003814697265625; // 2^-18

/** The 8 digits of value (below 10^8, with leading zeros) at [at, at + 8). */
// @ts-ignore: decorator
@inline
function putEightDigits(at: usize, value: u32): void {
  const high = value / 10000;
  store<u32>(at, load<u32>(DIGIT_QUADS + (usize(high) << 2)));
  store<u32>(at + 4, load<u32>(DIGIT_QUADS + (usize(value - high * 10000) << 2)));
}

/** The 17 digits of head * 10^8 + low (head with 9 digits, low below 10^8) at [at, at + 17). */
// @ts-ignore: decorator
@inline
function putSeventeenDigits(at: usize, head: u32, low: u32): void {
  const first = head / 100000000;
  store<u8>(at, u8(ZERO + first));
  putEightDigits(at + 1, head - first * 100000000);
  putEightDigits(at + 9, low);
}

/** 1 if x <= -2^-20, else 0, without a branch (a comparison is an i32 in WebAssembly). */
// @ts-ignore: decorator
@inline
function negativeBit(x: f64): i32 {
  return i32(x <= -0.00000095367431640625);
}

/** Writes |value| with value's sign at `at` and returns where it ends, or returns -1 for String(x). */
function writeShortest(value: f64, at: usize): isize {
  const x = abs<f64>(value);
  const bits = reinterpret<u64>(x);
  const exponent = i32(bits >> 52);
  // Zeros, subnormals, infinities, NaN, powers of two (the gap below is half the gap above), and numbers
  // below 2^-969, whose half ulp is not a normal double.
  if (exponent < 54 || exponent == 0x7ff || (bits & 0xfffffffffffff) == 0) return -1;
  // floor(log10 x) is the table's value or one more.
  let k = i32(load<i16>(DECIMAL_EXPONENT + (usize(exponent) << 1)));
  if (k < LOWEST_K || k > HIGHEST_K) return -1;
  if (x >= load<f64>(POWER_HI + (usize(k + 1 + POWER_RANGE) << 3))) k += 1;
  const power = usize(16 - k + POWER_RANGE) << 3;

  // V = x * 10^(16-k) as vh + vl: Dekker's exact product with the table's pre-split power, plus the
  // power's low part. vh lands in [10^16, 10^17) unless 10^(k+1) itself rounded; then String(x) decides.
  // This is read-decimal.ts's timesPowerOfTen(x, 0, 16 - k) written out: a call through its result
  // globals is slower on this hot path (docs/performance.md).
  const th = load<f64>(POWER_HI + power);
  const p = x * th;
  const t = SPLITTER * x;
  const xHead = t - (t - x);
  const xTail = x - xHead;
  const th1 = load<f64>(POWER_HEAD + power);
  const th2 = load<f64>(POWER_TAIL + power);
  const lo = xHead * th1 - p + xHead * th2 + xTail * th1 + xTail * th2 + x * load<f64>(POWER_LO + power);
  const vh = p + lo;
  const vl = lo - (vh - p);
  if (vh < 1e16 || vh >= 1e17) return -1;

  // vh is above 2^53, so an integer: N = vh + round(vl), and N - V is known to the last bit that matters.
  const roundedLo = floor(vl + 0.5);
  const delta = roundedLo - vl; // N - V, within [-0.5, 0.5]
  if (abs<f64>(abs<f64>(delta) - 0.5) < DOUBT) return -1; // V halfway between two integers
  // N = head * 10^8 + low, in 64-bit integers (vh < 10^17 < 2^63 converts exactly).
  const n = i64(vh) + i64(roundedLo);
  let head = i32(n / 100000000);
  if (head >= 1000000000) return -1; // N rounded up to 10^17: rare, String(x) decides
  const low = i32(n - i64(head) * 100000000);

  // The shortest that reads back: the nearest 15-digit decimal if it does, else the nearest 16-digit one,
  // else N. With V's offset c from the midpoint between two multiples of the unit (10 or 100) around it,
  // the nearer multiple is the upper one when c > 0, at distance |unit/2 - |c||; it reads back when that
  // distance is below gap, x's half-interval. The nearest 15-digit decimal is also a 16-digit one, and
  // the nearest 16-digit one is at least as near, so 15 digits implies 16.
  // Half an ulp of x, 2^(exponent - 1076), from its bits, on V's scale.
  const gap = reinterpret<f64>(u64(exponent - 53) << 52) * th;
  if (abs<f64>(abs<f64>(delta) - gap) < DOUBT || abs<f64>(delta) > gap) return -1;
  const tens = low / 10;
  const offsetFromTens = f64(low - tens * 10) - delta - 5;
  const distanceToTens = abs<f64>(5 - abs<f64>(offsetFromTens));
  const hundreds = low / 100;
  const offsetFromHundreds = f64(low - hundreds * 100) - delta - 50;
  const distanceToHundreds = abs<f64>(50 - abs<f64>(offsetFromHundreds));
  if (
    abs<f64>(offsetFromTens) < DOUBT || abs<f64>(distanceToTens - gap) < DOUBT
    || abs<f64>(offsetFromHundreds) < DOUBT || abs<f64>(distanceToHundreds - gap) < DOUBT
  ) return -1;
  const sixteen = negativeBit(distanceToTens - gap);
  const fifteen = negativeBit(distanceToHundreds - gap);
  let chosen = low;
  chosen += sixteen * ((tens + negativeBit(-offsetFromTens)) * 10 - chosen);
  chosen += fifteen * ((hundreds + negativeBit(-offsetFromHundreds)) * 100 - chosen);
  // Rounding up may carry into the head (and, rarely, to a new leading digit: String(x) then).
  if (chosen == 100000000) {
    chosen = 0;
    head += 1;
    if (head >= 1000000000) return -1;
  }
  // All 17 digit places, the last ones zero past the chosen length; no trailing zeros are written. The
  // chosen candidate ends in sixteen + fifteen zeros, and one more about one time in ten.
  let digits = 17 - sixteen - fifteen;
  let trailing = chosen;
  if (trailing == 0) {
    digits = 9;
    trailing = head;
  } else {
    // Drop the zeros known to be there, selected without a branch.
    const zeros = sixteen + fifteen;
    trailing = select<i32>(chosen / 100, select<i32>(chosen / 10, chosen, zeros == 1), zeros == 2);
  }
  while (trailing % 10 == 0) {
    trailing /= 10;
    digits -= 1;
  }
  return writeLayout(at, i32(reinterpret<u64>(value) >> 63), u32(head), u32(chosen), digits, k + 1);
}

/**
 * The layout of Number::toString for the first `digits` of the 17 digits of head * 10^8 + low, the
 * decimal point `point` places from their start (x = 0.d1d2... * 10^point). All 17 digits go straight
 * into the output (the caller reserved room) and the length then keeps only the wanted ones; where a
 * point falls among them, they are written one place to the right and the few before it moved back.
 */
function writeLayout(start: usize, negative: i32, head: u32, low: u32, digits: i32, point: i32): isize {
  // The sign without a branch (it is a coin flip in gradient columns): a minus is always stored, and kept
  // only if negative is 1; otherwise the first digit overwrites it.
  store<u8>(start, MINUS);
  let at = start + usize(negative);
  if (point <= 0 && point > -6) {
    // "0." and -point zeros, written as eight bytes at once (the digits then overwrite the extra zeros).
    store<u32>(at, ZERO_POINT_ZEROS);
    store<u32>(at + 4, FOUR_ZEROS);
    at += usize(2 - point);
    putSeventeenDigits(at, head, low);
    return isize(at + usize(digits));
  }
  if (point > 0 && point <= 21) {
    if (digits <= point) {
      putSeventeenDigits(at, head, low);
      at += usize(digits);
      for (let i = digits; i < point; i++) store<u8>(at++, u8(ZERO));
      return isize(at);
    }
    if (point == 1) {
      // The most common layout above 1: one digit, the point, the rest.
      const first = head / 100000000;
      store<u8>(at, u8(ZERO + first));
      store<u8>(at + 1, DOT);
      putEightDigits(at + 2, head - first * 100000000);
      putEightDigits(at + 10, low);
      return isize(at + usize(digits) + 1);
    }
    putSeventeenDigits(at + 1, head, low);
    for (let i = 0; i < point; i++) store<u8>(at + usize(i), load<u8>(at + usize(i) + 1));
    store<u8>(at + usize(point), DOT);
    return isize(at + usize(digits) + 1);
  }
  putSeventeenDigits(at + 1, head, low);
  store<u8>(at, load<u8>(at + 1));
  if (digits > 1) {
    store<u8>(at + 1, DOT);
    at += usize(digits) + 1;
  } else {
    at += 1;
  }
  store<u8>(at++, 0x65); // e
  let exponent = point - 1;
  store<u8>(at++, exponent < 0 ? MINUS : 0x2b);
  if (exponent < 0) exponent = -exponent;
  if (exponent >= 100) {
    store<u8>(at++, u8(ZERO + u32(exponent / 100)));
    exponent %= 100;
    store<u8>(at++, u8(ZERO + u32(exponent / 10)));
  } else if (exponent >= 10) {
    store<u8>(at++, u8(ZERO + u32(exponent / 10)));
  }
  store<u8>(at++, u8(ZERO + u32(exponent % 10)));
  return isize(at);
}

/** One number at `at`; returns where it ends. */
// @ts-ignore: decorator
@inline
function writeNumber(x: f64, at: usize): usize {
  if (x == 0) {
    // "0", or "-0" for a negative zero: the minus is kept only when the sign bit is set.
    const negative = usize(reinterpret<u64>(x) >> 63);
    store<u8>(at, MINUS);
    store<u8>(at + negative, u8(ZERO));
    return at + negative + 1;
  }
  const end = writeShortest(x, at);
  return end >= 0 ? usize(end) : writeFallback(x, at);
}

/**
 * Rows [from, to) of `count` columns (column c's row i at columnsAt + 8 * (c * stride + i)) as CSV lines
 * at `at`: the numbers separated by `delimiter`, each line ending in a line feed. Returns where they end.
 */
export function writeRows(columnsAt: usize, count: i32, stride: i32, from: i32, to: i32, delimiter: u8, at: usize): usize {
  const columnBytes = usize(stride) << 3;
  for (let i = from; i < to; i++) {
    const cell = columnsAt + (usize(i) << 3);
    at = writeNumber(load<f64>(cell), at);
    for (let c = 1; c < count; c++) {
      store<u8>(at, delimiter);
      at = writeNumber(load<f64>(cell + usize(c) * columnBytes), at + 1);
    }
    store<u8>(at, 0x0a);
    at += 1;
  }
  return at;
}
