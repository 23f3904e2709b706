/**
 * Writes a double as text, byte for byte what JavaScript's String(x) writes (the shortest decimal that
 * reads back as the same double, the nearest such if several), except that -0 keeps its sign. About three
 * times faster than String(x) here, because it makes no string: it finds the digits with double-double
 * arithmetic and writes them straight into the output buffer.
 *
 * How: with k = floor(log10 x), V = x * 10^(14-k) in double-double, and G = half an ulp of x on the same
 * scale, the nearest 15-digit decimal N = round(V) reads back as x exactly when |N - V| < G. If it does,
 * it is the only 15-digit decimal that does, and with its trailing zeros dropped it is the shortest. If
 * not, the same with V and G times 10 (16 digits), then 17 (which always reads back). Any doubt (a tie,
 * |N - V| too close to G, a value off the table, a power of two, a subnormal) falls back to String(x). */
import type { ByteWriter } from './byte-writer.js';
import { dd, halfUlpOf, POWER_RANGE, powerOfTen, timesPowerOfTen, twoProduct } from './double-double.js';

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const TWO_52 = 2 ** 52;

/** Digits of the integer being written, most significant first. */
const digitBuffer = new Uint8Array(20);

const POWERS_OF_TEN = Float64Array.from({ length: 19 }, (_, k) => 10 ** k);

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

/** Puts the `count` decimal digits of nh + nl (an integer below 10^17) into digitBuffer. */
function toDigits(nh: number, nl: number, count: number): void {
  // Split as high * 10^8 + low, both safe integers. Above 2^53, high * 10^8 itself may round, so the
  // remainder is taken through its exact product (twoProduct): nh - p is exact (Sterbenz), e is an integer.
  let high = Math.floor(nh / 1e8);
  twoProduct(high, 1e8);
  let low = nh - dd[0]! - dd[1]! + nl;
  while (low < 0) { low += 1e8; high -= 1; }
  while (low >= 1e8) { low -= 1e8; high += 1; }
  // Both parts are below 2^31 now: integer division is exact and fast.
  let at = count;
  let lowInt = low | 0;
  for (let i = 0; i < 8 && at > 0; i++) {
    const q = (lowInt / 10) | 0;
    digitBuffer[--at] = ZERO + lowInt - q * 10;
    lowInt = q;
  }
  let highInt = high | 0;
  while (at > 0) {
    const q = (highInt / 10) | 0;
    digitBuffer[--at] = ZERO + highInt - q * 10;
    highInt = q;
  }
}

/** Write x as String(x) would (but -0 as "-0"). */
export function writeDouble(out: ByteWriter, x: number): void {
  if (x === 0) {
    out.ascii(1 / x < 0 ? '-0' : '0');
    return;
  }
  if (!writeShortest(out, x)) out.ascii(String(x));
}

function writeShortest(out: ByteWriter, value: number): boolean {
  const x = Math.abs(value);
  const halfUlp = halfUlpOf(x);
  if (Number.isNaN(halfUlp)) return false;
  let k = Math.floor(Math.log10(x));
  let s = 14 - k;
  if (Math.abs(s) >= POWER_RANGE) return false;
  timesPowerOfTen(x, 0, s);
  // log10 can be off by one near powers of ten: put V in [10^14, 10^15).
  if (dd[0]! < 1e14) { k -= 1; s += 1; timesPowerOfTen(x, 0, s); }
  else if (dd[0]! >= 1e15) { k += 1; s -= 1; timesPowerOfTen(x, 0, s); }
  let vh = dd[0]!;
  let vl = dd[1]!;
  let gap = halfUlp * powerOfTen(s);
  for (let count = 15; count <= 17; count++) {
    if (!roundToInteger(vh, vl)) return false;
    const nh = rounded[0]!;
    const nl = rounded[1]!;
    if (nh + nl >= POWERS_OF_TEN[count]!) return false; // rounded up to the next power of ten: rare
    const distance = Math.abs(nh - vh + (nl - vl));
    // On (or within rounding noise of) the edge of x's interval, reading back depends on ties-to-even.
    if (Math.abs(distance - gap) <= gap * 2 ** -30) return false;
    if (distance < gap) {
      toDigits(nh, nl, count);
      let digits = count;
      while (digits > 1 && digitBuffer[digits - 1] === ZERO) digits--;
      writeLayout(out, value < 0, digits, k + 1);
      return true;
    }
    // One more digit: V and the gap times ten (twoProduct keeps V exact to double-double precision).
    twoProduct(vh, 10);
    const lo = dd[1]! + vl * 10;
    vh = dd[0]! + lo;
    vl = lo - (vh - dd[0]!);
    gap *= 10;
  }
  return false;
}

/**
 * The layout of Number::toString: `digits` significant digits in digitBuffer, the decimal point `point`
 * places from their start (x = 0.d1d2... * 10^point).
 */
function writeLayout(out: ByteWriter, negative: boolean, digits: number, point: number): void {
  out.reserve(digits + 28);
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
