/**
 * Tables for reading and writing decimals fast and exactly, built (with BigInt where exactness needs it)
 * when the numbers module is loaded and copied into it (wasm-module.ts): the powers of ten as
 * double-doubles (a value as hi + lo, about 106 bits), and each binary exponent's decimal one.
 */

const SPLITTER = 134217729; // 2^27 + 1

/** Powers of ten 10^s for |s| <= POWER_RANGE as hi + lo, hi the correctly rounded double. */
export const POWER_RANGE = 100;

function bigIntToNumberScaled(numerator: bigint, denominator: bigint): number {
  // numerator / denominator to double, with 128 quotient bits kept before the final rounding.
  const negative = numerator < 0n !== denominator < 0n;
  let n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  if (n === 0n) return 0;
  const shift = BigInt(Math.max(0, 128 + d.toString(2).length - n.toString(2).length));
  n <<= shift;
  const q = Number(n / d) * 2 ** -Number(shift);
  return negative ? -q : q;
}

/** The tables: 10^s = powers.hi[s + POWER_RANGE] + powers.lo[...], and hi = head + tail split for Dekker's product. */
export function powerTables() {
  const powerHi = new Float64Array(2 * POWER_RANGE + 1);
  const powerLo = new Float64Array(2 * POWER_RANGE + 1);
  // powerHi split for Dekker's product (head + tail = hi, each half the bits), done once here, not per call.
  const powerHead = new Float64Array(2 * POWER_RANGE + 1);
  const powerTail = new Float64Array(2 * POWER_RANGE + 1);
  for (let s = -POWER_RANGE; s <= POWER_RANGE; s++) {
    const hi = Number(`1e${s}`); // the correctly rounded double
    let lo: number;
    if (s >= 0) {
      lo = Number(10n ** BigInt(s) - BigInt(hi));
    } else {
      // hi = m * 2^e exactly; 10^s - hi = (2^-e - m * 10^-s) / (2^-e * 10^-s).
      let e = Math.floor(Math.log2(hi)) - 52;
      let m = hi * 2 ** -e;
      while (!Number.isInteger(m)) {
        m *= 2;
        e -= 1;
      }
      const twoToMinusE = 2n ** BigInt(-e);
      const tenToMinusS = 10n ** BigInt(-s);
      lo = bigIntToNumberScaled(twoToMinusE - BigInt(m) * tenToMinusS, twoToMinusE * tenToMinusS);
    }
    powerHi[s + POWER_RANGE] = hi;
    powerLo[s + POWER_RANGE] = lo;
    const t = SPLITTER * hi;
    powerHead[s + POWER_RANGE] = t - (t - hi);
    powerTail[s + POWER_RANGE] = hi - powerHead[s + POWER_RANGE]!;
  }
  return { hi: powerHi, lo: powerLo, head: powerHead, tail: powerTail } as const;
}

/** floor(log10(2^(e - 1023))) for each biased exponent e: a double's decimal exponent, or one less. */
export const decimalExponents = (): Int16Array =>
  Int16Array.from({ length: 2048 }, (_, e) => Math.floor((e - 1023) * Math.LOG10E * Math.LN2));
