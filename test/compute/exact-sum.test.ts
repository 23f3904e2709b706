import { describe, expect, it } from 'vitest';
import { exactColumnSums } from '../../src/compute/exact-product-sums.js';
import { canonicalState, ExactSum, type ExactSumState, exactSumOf } from '../../src/compute/exact-sum.js';
import { referenceSum } from '../support/exact-reference.js';
import { seededRandom } from '../support/random.js';

function values(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => {
    const x = (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
    // Heavy cancellation: large values that almost cancel, among small ones.
    return random() < 0.1 ? x * 1e8 : x;
  });
}

describe('exact sums', () => {
  it('round the exact total once, to the nearest double', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const xs = values(random, 1 + Math.floor(random() * 300));
      xs.push(-xs.reduce((a, b) => a + b, 0)); // leaves a tiny remainder that naive summation gets wrong
      const sum = new ExactSum();
      for (const x of xs) sum.add(x);
      expect(sum.value()).toBe(referenceSum(xs));
    }
  });

  it('give the same bits whatever the chunking and the order in which chunks are merged', () => {
    const random = seededRandom(6);
    const xs = values(random, 5000);
    const whole = new ExactSum();
    for (const x of xs) whole.add(x);
    for (let trial = 0; trial < 30; trial++) {
      const states = [];
      for (let at = 0; at < xs.length; ) {
        const size = 1 + Math.floor(random() * 700);
        const part = new ExactSum();
        for (const x of xs.slice(at, at + size)) part.add(x);
        states.push(structuredClone(part.state()));
        at += size;
      }
      states.sort(() => random() - 0.5);
      const merged = new ExactSum();
      for (const state of states) merged.addState(state);
      expect(Object.is(merged.value(), whole.value())).toBe(true);
    }
    expect(whole.value()).toBe(referenceSum(xs));
  });

  it('sums infinities apart and reports an overflowing total as infinite', () => {
    const sum = new ExactSum();
    sum.add(1);
    sum.add(Number.POSITIVE_INFINITY);
    expect(sum.value()).toBe(Number.POSITIVE_INFINITY);
    sum.add(Number.NEGATIVE_INFINITY);
    expect(sum.value()).toBeNaN();
    const huge = new ExactSum();
    huge.add(Number.MAX_VALUE);
    huge.add(Number.MAX_VALUE);
    expect(huge.value()).toBe(Number.POSITIVE_INFINITY);
  });

  describe("a task's column sums (exactColumnSums, through the numbers module's SIMD loop)", () => {
    const canonical = (state: ExactSumState): ExactSumState => canonicalState(structuredClone(state));
    it("are exactSumOf's exact sums for columns of every kind: wide and narrow magnitudes, tiny terms, -0, NaN, ∞", () => {
      const random = seededRandom(21);
      const columns: Float64Array[] = [];
      for (let trial = 0; trial < 60; trial++) {
        const rows = 1 + Math.floor(random() * 3000);
        const spread = [0, 5, 40, 300][trial % 4]!;
        columns.push(
          Float64Array.from({ length: rows }, () => (random() - 0.5) * 2 ** Math.floor((random() - 0.5) * spread)),
        );
      }
      columns.push(Float64Array.of(-0, -0, -0), Float64Array.of(0, -0), Float64Array.of(1, Number.NaN, 2));
      columns.push(
        Float64Array.of(1e300, -1e300, 3),
        Float64Array.of(Number.POSITIVE_INFINITY, 1),
        Float64Array.of(5e-324, 1),
      );
      columns.push(Float64Array.from({ length: 1001 }, (_, i) => (i % 2 === 0 ? 1 : 1e-20)));
      for (const column of columns) {
        const [fast] = exactColumnSums([column], column.length);
        expect(canonical(fast!)).toEqual(canonical(exactSumOf(column, column.length)));
      }
    });
  });

  describe("a column's sum (exactSumOf, the binned accumulator the workers use)", () => {
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    /** Any finite double: random bit patterns reach subnormals and the largest exponents. */
    function anyDouble(random: () => number): number {
      do {
        words[0] = Math.floor(random() * 2 ** 32);
        words[1] = Math.floor(random() * 2 ** 32);
      } while (!Number.isFinite(bits[0]!));
      return bits[0]!;
    }
    const total = (column: Float64Array): number => {
      const sum = new ExactSum();
      sum.addState(structuredClone(exactSumOf(column, column.length)));
      return sum.value();
    };

    it('is the exact total rounded once, from subnormals to the largest doubles', () => {
      const random = seededRandom(8);
      for (let trial = 0; trial < 300; trial++) {
        const kind = trial % 3;
        const xs = Array.from({ length: 1 + Math.floor(random() * 200) }, () =>
          kind === 0
            ? anyDouble(random)
            : kind === 1
              ? (random() - 0.5) * 2 ** Math.floor(random() * 200 - 100)
              : (random() - 0.5) * 1e-310,
        );
        if (kind !== 0) xs.push(-xs.reduce((a, b) => a + b, 0));
        expect(total(Float64Array.from(xs)), `trial ${trial}`).toBe(referenceSum(xs));
      }
    });

    it('keeps IEEE signs and specials: -0 alone, infinities, NaN, an overflowing total', () => {
      expect(Object.is(total(Float64Array.of(-0, -0)), -0)).toBe(true);
      expect(Object.is(total(Float64Array.of(-0, 0)), 0)).toBe(true);
      expect(total(Float64Array.of(1, Infinity))).toBe(Infinity);
      expect(total(Float64Array.of(1, Infinity, -Infinity))).toBeNaN();
      expect(total(Float64Array.of(NaN, 2))).toBeNaN();
      expect(total(Float64Array.of(Number.MAX_VALUE, Number.MAX_VALUE))).toBe(Infinity);
      expect(total(Float64Array.of(Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, 2 ** -1074))).toBe(1e300);
    });

    it('stays exact where unflushed bins would round (more than 2^22 adds of the largest pieces)', () => {
      // 1 + (2^31 - 1) * 2^-50 puts 2^31 - 1 units, the most a piece can hold, into one bin on every add:
      // without the flush every 2^21 adds, this sum comes out 2 ulps off.
      const x = 1 + (2 ** 31 - 1) * 2 ** -50;
      for (const sign of [1, -1]) {
        const column = new Float64Array(2 ** 22 + 2 ** 21).fill(sign * x);
        const oracle = new ExactSum();
        for (const value of column) oracle.add(value);
        expect(total(column)).toBe(oracle.value());
      }
    });

    it('gives the same bits whatever the chunking, like ExactSum', () => {
      const random = seededRandom(10);
      const xs = values(random, 20_000);
      const expected = referenceSum(xs);
      for (let trial = 0; trial < 10; trial++) {
        const merged = new ExactSum();
        for (let at = 0; at < xs.length; ) {
          const size = 1 + Math.floor(random() * 3000);
          merged.addState(exactSumOf(Float64Array.from(xs.slice(at, at + size)), Math.min(size, xs.length - at)));
          at += size;
        }
        expect(merged.value()).toBe(expected);
      }
    });
  });
});

describe('canonicalState', () => {
  it('gives one list of partials for the same exact sum, whatever the order and grouping of its terms', () => {
    const random = seededRandom(41);
    const terms = Array.from({ length: 2_000 }, () => (random() - 0.5) * 2 ** Math.floor(random() * 120 - 60));
    const states = [1, 7, 333].map((size) => {
      const total = new ExactSum();
      for (let i = 0; i < terms.length; i += size)
        total.addState(exactSumOf(Float64Array.from(terms.slice(i, i + size)), Math.min(size, terms.length - i)));
      return canonicalState(total.state());
    });
    const reversed = new ExactSum();
    for (const x of [...terms].reverse()) reversed.add(x);
    states.push(canonicalState(reversed.state()));
    expect(states[0]!.partials.length).toBeGreaterThan(1);
    for (const state of states) expect(state).toEqual(states[0]);
    // Largest last, each the float64 nearest what remains: the last one is the sum's value.
    expect(states[0]!.partials.at(-1)).toBe(reversed.value());
  });

  it('keeps -0 alone, drops an exact zero, and keeps no partials beside an infinity', () => {
    expect(canonicalState({ partials: [-0], special: 0 })).toEqual({ partials: [-0], special: 0 });
    expect(canonicalState({ partials: [1, -1], special: 0 })).toEqual({ partials: [], special: 0 });
    expect(canonicalState({ partials: [1], special: Number.POSITIVE_INFINITY })).toEqual({
      partials: [],
      special: Number.POSITIVE_INFINITY,
    });
  });
});
