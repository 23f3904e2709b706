/** A double's bits, read through a shared scratch word (no allocation). */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1 is the high one

/** The biased binary exponent of x (0 for zeros and subnormals, 0x7ff for infinities and NaN). */
export function biasedExponentOf(x: number): number {
  bits[0] = x;
  return (words[HIGH]! >>> 20) & 0x7ff;
}
