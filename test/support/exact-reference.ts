/** The exact sum, rounded once to the nearest double, with BigInt: every double is a multiple of 2^-1074. */
export function referenceSum(values: readonly number[]): number {
  const scale = 1074n;
  let total = 0n;
  const bits = new Float64Array(1);
  const words = new BigUint64Array(bits.buffer);
  for (const x of values) {
    bits[0] = Math.abs(x);
    const raw = words[0]!;
    const exponent = Number(raw >> 52n);
    const mantissa = raw & ((1n << 52n) - 1n);
    const scaled = exponent === 0 ? mantissa : (mantissa | (1n << 52n)) << BigInt(exponent - 1);
    total += x < 0 ? -scaled : scaled;
  }
  // Keep 64 significant bits, with every lower bit folded into the last one ("round to odd"): then
  // Number(bigint), which rounds to nearest even, rounds this as it would the exact total.
  const negative = total < 0n;
  let magnitude = negative ? -total : total;
  const shift = Math.max(0, magnitude.toString(2).length - 64);
  if (shift > 0) {
    const sticky = (magnitude & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    magnitude = (magnitude >> BigInt(shift)) | sticky;
  }
  const exponent = shift - Number(scale);
  const value = Number(magnitude) * 2 ** Math.trunc(exponent / 2) * 2 ** (exponent - Math.trunc(exponent / 2));
  return negative ? -value : value;
}
