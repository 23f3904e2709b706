/**
 * Writes a double as text, byte for byte what JavaScript's String(x) writes (the shortest decimal that
 * reads back as the same double, the nearest such if several), except that -0 keeps its sign. It makes
 * no string: it finds the digits with double-double arithmetic and writes them straight into the output
 * buffer. bench/chunk.ts times it against String(x); the README has the figures.
 *
 * How: with k = floor(log10 x), V = x * 10^(16-k) in double-double and G = half an ulp of x on the same
 * scale, a decimal reads back as x exactly when its distance to V is below G. N = round(V) is the nearest
 * 17-digit decimal (it always reads back). The nearest 15-digit decimal is the multiple of 100 nearest to
 * V, the nearest 16-digit one the multiple of 10: both follow from N's last digits and N - V, so one
 * multiplication serves all three. The shortest that reads back wins (a 15-digit one is unique, and with
 * its trailing zeros dropped it is the shortest of all). Any doubt (a tie, a distance too close to G, a
 * value off the table, a power of two, a subnormal) falls back to String(x).
 *
 * N is kept as two integers, its first 9 digits and its last 8, so every step after the one product is
 * exact small-integer arithmetic.
 */
import type { ByteWriter } from './byte-writer.js';
import { decimalExponentAt, halfUlpAt, POWER_RANGE, POWERS, regularExponentOf, signBitOf } from './double-double.js';

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const SPLITTER = 134217729; // 2^27 + 1
/** x's decimal exponent k must keep 16 - k and k + 1 inside the power table. */
const LOWEST_K = 17 - POWER_RANGE;
const HIGHEST_K = POWER_RANGE - 2;

/** "0000" to "9999" as four ASCII bytes in one little-endian word: digits are stored four at a time. */
const DIGIT_QUADS = Uint32Array.from({ length: 10_000 }, (_, n) => {
  const text = String(n).padStart(4, '0');
  return text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24);
});

/** The 8 digits of value (below 10^8, with leading zeros) at view[at, at + 8). */
function putEightDigits(view: DataView, at: number, value: number): void {
  const high = (value / 10_000) | 0;
  view.setUint32(at, DIGIT_QUADS[high]!, true);
  view.setUint32(at + 4, DIGIT_QUADS[value - high * 10_000]!, true);
}

/** The 17 digits of head * 10^8 + low (head with 9 digits, low below 10^8) at view[at, at + 17). */
function putSeventeenDigits(view: DataView, at: number, head: number, low: number): void {
  const first = (head / 1e8) | 0;
  view.setUint8(at, ZERO + first);
  putSixteenDigits(view, at + 1, head - first * 1e8, low);
}

/** The 16 digits of middle * 10^8 + low (both below 10^8) at view[at, at + 16). */
function putSixteenDigits(view: DataView, at: number, middle: number, low: number): void {
  putEightDigits(view, at, middle);
  putEightDigits(view, at + 8, low);
}

/** "0.00" and "0000" as little-endian words: a number below 1 starts with up to 6 of these bytes. */
const ZERO_POINT_ZEROS = 0x30302e30;
const FOUR_ZEROS = 0x30303030;

/** The longest text writeDouble writes, e.g. -1.2345678901234567e-308. */
export const MAX_DOUBLE_TEXT = 25;

/**
 * Write values[index] as String(x) would (but -0 as "-0"). The caller reserves MAX_DOUBLE_TEXT bytes
 * first. The number is passed as its column and row, not as a value: a double passed to a function V8
 * does not inline is boxed on the heap, and that was one allocation per number written (about 100 bytes
 * a row, a young-generation collection every 160k rows).
 */
export function writeDoubleAt(out: ByteWriter, values: Float64Array, index: number): void {
  const x = values[index]!;
  if (x === 0) {
    out.ascii(1 / x < 0 ? '-0' : '0');
    return;
  }
  if (!writeShortest(out, values, index)) out.ascii(String(x));
}

const single = new Float64Array(1);

/** writeDoubleAt for one value (tests, benchmarks). */
export function writeDouble(out: ByteWriter, x: number): void {
  single[0] = x;
  writeDoubleAt(out, single, 0);
}

/**
 * Below this distance (in units of N's last digit) from a tie or from the edge of x's interval, a decision
 * is left to String(x). The quantities compared are known to about 2^-46 of a unit; the margin is this
 * wide so that negativeBit, which looks at steps of 2^-20, is right for everything outside it.
 */
const DOUBT_UNITS = 2 ** -18;

/**
 * 1 if x <= -2^-20, else 0 (for |x| < 2^11), without a branch: the sign of x in 2^-20 steps, as an int32.
 * The writer decides 15, 16 or 17 digits with these, because the decisions are coin flips on real data and
 * a mispredicted branch costs more than the whole computation (measured in turns: 84 -> 60 ns a number).
 */
function negativeBit(x: number): number {
  return ((x * 1048576) | 0) >>> 31;
}

/** 10^-z: a whole number times this, rounded, loses z trailing zeros. */
const SHIFT_OUT = Float64Array.of(1, 0.1, 0.01);

function writeShortest(out: ByteWriter, values: Float64Array, index: number): boolean {
  const value = values[index]!;
  const x = Math.abs(value);
  const exponent = regularExponentOf(x);
  if (exponent < 0) return false;
  // floor(log10 x) is decimalExponentAt(exponent) or one more.
  let k = decimalExponentAt(exponent);
  if (k < LOWEST_K || k > HIGHEST_K) return false;
  if (x >= POWERS.hi[k + 1 + POWER_RANGE]!) k += 1;
  const power = 16 - k + POWER_RANGE;

  // V = x * 10^(16-k) as vh + vl: Dekker's exact product with the table's pre-split power, plus the
  // power's low part. vh lands in [10^16, 10^17) unless 10^(k+1) itself rounded; then String(x) decides.
  // This is timesPowerOfTen(x, 0, 16 - k) written out: through its `dd` results it measured 2-3% slower
  // per chunk.
  const th = POWERS.hi[power]!;
  const p = x * th;
  const t = SPLITTER * x;
  const xHead = t - (t - x);
  const xTail = x - xHead;
  const th1 = POWERS.head[power]!;
  const th2 = POWERS.tail[power]!;
  const lo = xHead * th1 - p + xHead * th2 + xTail * th1 + xTail * th2 + x * POWERS.lo[power]!;
  const vh = p + lo;
  const vl = lo - (vh - p);
  if (vh < 1e16 || vh >= 1e17) return false;

  // vh is above 2^53, so an integer: N = vh + round(vl), and N - V is known to the last bit that matters.
  const roundedLo = Math.floor(vl + 0.5);
  const delta = roundedLo - vl; // N - V, within [-0.5, 0.5]
  if (Math.abs(Math.abs(delta) - 0.5) < DOUBT_UNITS) return false; // V halfway between two integers
  // N = head * 10^8 + low, both int32. head * 1e8 is exact (head * 5^8 < 2^53), so the subtraction is too;
  // the quotient may be one off, and the loops put it right.
  let head = (vh * 1e-8) | 0;
  let rest = vh - head * 1e8 + roundedLo;
  while (rest < 0) { rest += 1e8; head -= 1; }
  while (rest >= 1e8) { rest -= 1e8; head += 1; }
  if (head >= 1e9) return false; // N rounded up to 10^17: rare, String(x) decides
  const low = rest | 0;

  // The shortest that reads back: the nearest 15-digit decimal if it does, else the nearest 16-digit one,
  // else N. With V's offset c from the midpoint between two multiples of the unit (10 or 100) around it,
  // the nearer multiple is the upper one when c > 0, at distance |unit/2 - |c||; it reads back when that
  // distance is below gap, x's half-interval. The nearest 15-digit decimal is also a 16-digit one, and
  // the nearest 16-digit one is at least as near, so 15 digits implies 16.
  const gap = halfUlpAt(exponent) * th;
  if (Math.abs(Math.abs(delta) - gap) < DOUBT_UNITS || Math.abs(delta) > gap) return false;
  const tens = (low / 10) | 0;
  const offsetFromTens = low - tens * 10 - delta - 5;
  const distanceToTens = Math.abs(5 - Math.abs(offsetFromTens));
  const hundreds = (low / 100) | 0;
  const offsetFromHundreds = low - hundreds * 100 - delta - 50;
  const distanceToHundreds = Math.abs(50 - Math.abs(offsetFromHundreds));
  if (
    Math.abs(offsetFromTens) < DOUBT_UNITS || Math.abs(distanceToTens - gap) < DOUBT_UNITS
    || Math.abs(offsetFromHundreds) < DOUBT_UNITS || Math.abs(distanceToHundreds - gap) < DOUBT_UNITS
  ) return false;
  const sixteen = negativeBit(distanceToTens - gap);
  const fifteen = negativeBit(distanceToHundreds - gap);
  let chosen = low;
  chosen += sixteen * ((tens + negativeBit(-offsetFromTens)) * 10 - chosen);
  chosen += fifteen * ((hundreds + negativeBit(-offsetFromHundreds)) * 100 - chosen);
  // Rounding up may carry into the head (and, rarely, to a new leading digit: String(x) then).
  if (chosen === 1e8) {
    chosen = 0;
    head += 1;
    if (head >= 1e9) return false;
  }
  // All 17 digit places, the last ones zero past the chosen length; no trailing zeros are written. The
  // chosen candidate ends in sixteen + fifteen zeros, and one more about one time in ten.
  let digits = 17 - sixteen - fifteen;
  let trailing = chosen;
  if (trailing === 0) {
    digits = 9;
    trailing = head;
  } else {
    trailing = (trailing * SHIFT_OUT[sixteen + fifteen]! + 0.5) | 0; // drop the zeros known to be there
  }
  while (trailing - ((trailing / 10) | 0) * 10 === 0) {
    trailing = (trailing / 10) | 0;
    digits -= 1;
  }
  writeLayout(out, signBitOf(value), head, chosen, digits, k + 1);
  return true;
}

/**
 * The layout of Number::toString for the first `digits` of the 17 digits of head * 10^8 + low, the
 * decimal point `point` places from their start (x = 0.d1d2... * 10^point). All 17 digits go straight
 * into the output (the caller reserved room) and the length then keeps only the wanted ones; where a
 * point falls among them, they are written one place to the right and the few before it moved back.
 */
function writeLayout(out: ByteWriter, negative: number, head: number, low: number, digits: number, point: number): void {
  const bytes = out.bytes;
  const view = out.view;
  let at = out.length;
  // The sign without a branch (it is a coin flip in gradient columns): a minus is always stored, and kept
  // only if negative is 1; otherwise the first digit overwrites it.
  bytes[at] = MINUS;
  at += negative;
  if (point <= 0 && point > -6) {
    // "0." and -point zeros, written as eight bytes at once (the digits then overwrite the extra zeros).
    view.setUint32(at, ZERO_POINT_ZEROS, true);
    view.setUint32(at + 4, FOUR_ZEROS, true);
    at += 2 - point;
    putSeventeenDigits(view, at, head, low);
    out.length = at + digits;
    return;
  }
  if (point > 0 && point <= 21) {
    if (digits <= point) {
      putSeventeenDigits(view, at, head, low);
      at += digits;
      for (let i = digits; i < point; i++) bytes[at++] = ZERO;
      out.length = at;
      return;
    }
    if (point === 1) {
      // The most common layout above 1: one digit, the point, the rest.
      const first = (head / 1e8) | 0;
      bytes[at] = ZERO + first;
      bytes[at + 1] = DOT;
      putSixteenDigits(view, at + 2, head - first * 1e8, low);
      out.length = at + digits + 1;
      return;
    }
    putSeventeenDigits(view, at + 1, head, low);
    for (let i = 0; i < point; i++) bytes[at + i] = bytes[at + i + 1]!;
    bytes[at + point] = DOT;
    out.length = at + digits + 1;
    return;
  }
  putSeventeenDigits(view, at + 1, head, low);
  bytes[at] = bytes[at + 1]!;
  if (digits > 1) {
    bytes[at + 1] = DOT;
    at += digits + 1;
  } else {
    at += 1;
  }
  bytes[at++] = 0x65; // e
  const exponent = point - 1;
  bytes[at++] = exponent < 0 ? MINUS : 0x2b;
  const text = String(Math.abs(exponent));
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  out.length = at;
}
