/**
 * Writes a double as text, byte for byte what JavaScript's String(x) writes (the shortest decimal that
 * reads back as the same double, the nearest such if several), except that -0 keeps its sign. It makes
 * no string: it finds the digits with double-double arithmetic and writes them straight into the output
 * buffer. Measured here, formatting 400k rows (2.4M numbers) took 400 ms this way against 1,200 ms with
 * String(x), string concatenation and Buffer.from; String(x) alone was about 450 ms of that.
 *
 * How: with k = floor(log10 x), V = x * 10^(16-k) in double-double and G = half an ulp of x on the same
 * scale, a decimal reads back as x exactly when its distance to V is below G. N = round(V) is the nearest
 * 17-digit decimal (it always reads back). The nearest 15-digit decimal is the multiple of 100 nearest to
 * V, the nearest 16-digit one the multiple of 10: both follow from N's last digits and N - V, so one
 * multiplication serves all three. The shortest that reads back wins (a 15-digit one is unique, and with
 * its trailing zeros dropped it is the shortest of all). Any doubt (a tie, a distance too close to G, a
 * value off the table, a power of two, a subnormal) falls back to String(x). */
import type { ByteWriter } from './byte-writer.js';
import { dd, decimalExponentAt, halfUlpAt, POWER_RANGE, powerOfTen, regularExponentOf, timesPowerOfTen, twoProduct } from './double-double.js';

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const TWO_52 = 2 ** 52;

/** Digits of the integer being written, most significant first. */
const digitBuffer = new Uint8Array(20);

/** The nearest integer to hi + lo, as rounded[0] + rounded[1] (both integers); false on a near-tie. */
const rounded = new Float64Array(2);
function roundToInteger(hi: number, lo: number): boolean {
  if (hi < TWO_52) {
    let whole = Math.floor(hi);
    let fraction = hi - whole + lo;
    if (fraction < 0) { whole -= 1; fraction += 1; } else if (fraction >= 1) { whole += 1; fraction -= 1; }
    if (Math.abs(fraction - 0.5) < 2 ** -30) return false;
    rounded[0] = fraction > 0.5 ? whole + 1 : whole;
    rounded[1] = 0;
    return true;
  }
  // hi is an integer already (its ulp is at least 1); the fraction is in lo.
  const whole = Math.floor(lo);
  const fraction = lo - whole;
  if (Math.abs(fraction - 0.5) < 2 ** -30) return false;
  rounded[0] = hi;
  rounded[1] = fraction > 0.5 ? whole + 1 : whole;
  return true;
}

/** "00" to "99" as ASCII, so digits are produced two at a time. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** Puts the 17 decimal digits of nh + nl (an integer in [10^16, 10^17)) into digitBuffer. */
function toDigits(nh: number, nl: number): void {
  // Split as high * 10^8 + low, both safe integers. Above 2^53, high * 10^8 itself may round, so the
  // remainder is taken through its exact product (twoProduct): nh - p is exact (Sterbenz), e is an integer.
  let high = Math.floor(nh / 1e8);
  twoProduct(high, 1e8);
  let low = nh - dd[0]! - dd[1]! + nl;
  while (low < 0) { low += 1e8; high -= 1; }
  while (low >= 1e8) { low -= 1e8; high += 1; }
  // Both parts are below 2^31 now: integer division is exact and fast. low: digits 9-16, high: 0-8.
  putPairs(low | 0, 9, 4);
  const highInt = high | 0;
  const rest = (highInt / 10) | 0;
  digitBuffer[8] = ZERO + highInt - rest * 10;
  putPairs(rest, 0, 4);
}

/** The last 2 * pairs digits of value into digitBuffer[from, from + 2 * pairs). */
function putPairs(value: number, from: number, pairs: number): void {
  let rest = value;
  for (let at = from + 2 * (pairs - 1); at >= from; at -= 2) {
    const next = (rest / 100) | 0;
    const pair = 2 * (rest - next * 100);
    digitBuffer[at] = DIGIT_PAIRS[pair]!;
    digitBuffer[at + 1] = DIGIT_PAIRS[pair + 1]!;
    rest = next;
  }
}

/** The longest text writeDouble writes, e.g. -1.2345678901234567e-308. */
export const MAX_DOUBLE_TEXT = 25;

/** Write x as String(x) would (but -0 as "-0"). The caller reserves MAX_DOUBLE_TEXT bytes first. */
export function writeDouble(out: ByteWriter, x: number): void {
  if (x === 0) {
    out.ascii(1 / x < 0 ? '-0' : '0');
    return;
  }
  if (!writeShortest(out, x)) out.ascii(String(x));
}

function writeShortest(out: ByteWriter, value: number): boolean {
  const x = Math.abs(value);
  const exponent = regularExponentOf(x);
  if (exponent < 0) return false;
  const halfUlp = halfUlpAt(exponent);
  let k = decimalExponentAt(exponent);
  let s = 16 - k;
  if (Math.abs(s) >= POWER_RANGE) return false;
  timesPowerOfTen(x, 0, s);
  // The binary exponent gives k or k - 1: put V in [10^16, 10^17).
  if (dd[0]! < 1e16) { k -= 1; s += 1; timesPowerOfTen(x, 0, s); }
  else if (dd[0]! >= 1e17) { k += 1; s -= 1; timesPowerOfTen(x, 0, s); }
  const vh = dd[0]!;
  const vl = dd[1]!;
  if (!roundToInteger(vh, vl)) return false;
  const nh = rounded[0]!;
  const nl = rounded[1]!;
  if (nh + nl >= 1e17) return false; // rounded up to the next power of ten: rare
  const delta = nh - vh + (nl - vl); // N - V, within [-0.5, 0.5]
  const gap = halfUlp * powerOfTen(s);
  const margin = gap * 2 ** -30;
  toDigits(nh, nl);

  // 15, then 16 digits: the multiple of 10^drop nearest to V, from N's last `drop` digits.
  for (let drop = 2; drop >= 1; drop--) {
    const unit = drop === 2 ? 100 : 10;
    const tail = drop === 2 ? (digitBuffer[15]! - ZERO) * 10 + (digitBuffer[16]! - ZERO) : digitBuffer[16]! - ZERO;
    const down = Math.abs(tail - delta); // V's distance to N - tail
    const up = unit - (tail - delta); // V's distance to N - tail + unit
    if (Math.abs(down - up) <= margin) return false; // V halfway between two candidates
    const roundUp = up < down;
    const distance = roundUp ? up : down;
    if (Math.abs(distance - gap) <= margin) return false; // on the edge of x's interval: ties decide
    if (distance < gap) {
      const digits = 17 - drop;
      if (roundUp && !incrementDigits(digits)) return false;
      writeLayout(out, value < 0, withoutTrailingZeros(digits), k + 1);
      return true;
    }
  }
  if (Math.abs(Math.abs(delta) - gap) <= margin || Math.abs(delta) > gap) return false;
  writeLayout(out, value < 0, withoutTrailingZeros(17), k + 1);
  return true;
}

/** Add one to the `count`-digit number in digitBuffer; false if it would carry into a new digit. */
function incrementDigits(count: number): boolean {
  for (let i = count - 1; i >= 0; i--) {
    if (digitBuffer[i] === ZERO + 9) {
      digitBuffer[i] = ZERO;
    } else {
      digitBuffer[i]! += 1;
      return true;
    }
  }
  return false;
}

function withoutTrailingZeros(count: number): number {
  let digits = count;
  while (digits > 1 && digitBuffer[digits - 1] === ZERO) digits--;
  return digits;
}

/**
 * The layout of Number::toString: `digits` significant digits in digitBuffer, the decimal point `point`
 * places from their start (x = 0.d1d2... * 10^point).
 */
function writeLayout(out: ByteWriter, negative: boolean, digits: number, point: number): void {
  const bytes = out.bytes;
  let at = out.length;
  if (negative) bytes[at++] = MINUS;
  if (digits <= point && point <= 21) {
    for (let i = 0; i < digits; i++) bytes[at++] = digitBuffer[i]!;
    for (let i = digits; i < point; i++) bytes[at++] = ZERO;
  } else if (point > 0 && point <= 21) {
    for (let i = 0; i < point; i++) bytes[at++] = digitBuffer[i]!;
    bytes[at++] = DOT;
    for (let i = point; i < digits; i++) bytes[at++] = digitBuffer[i]!;
  } else if (point > -6 && point <= 0) {
    bytes[at++] = ZERO;
    bytes[at++] = DOT;
    for (let i = point; i < 0; i++) bytes[at++] = ZERO;
    for (let i = 0; i < digits; i++) bytes[at++] = digitBuffer[i]!;
  } else {
    bytes[at++] = digitBuffer[0]!;
    if (digits > 1) {
      bytes[at++] = DOT;
      for (let i = 1; i < digits; i++) bytes[at++] = digitBuffer[i]!;
    }
    bytes[at++] = 0x65; // e
    const exponent = point - 1;
    bytes[at++] = exponent < 0 ? MINUS : 0x2b;
    const text = String(Math.abs(exponent));
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  }
  out.length = at;
}
