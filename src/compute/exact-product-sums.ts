/**
 * Exact sums computed in the numbers module (src/wasm/product-sums.ts): a task's column sums and a fit's
 * curvature product sums. Their states are exact-sum.ts's, so the coordinator adds them without loading
 * WebAssembly; it is kept apart from exact-sum.ts for that reason.
 */
import {
  BIG_EXPONENT,
  BIN_COUNT,
  ExactSum,
  type ExactSumState,
  exactSumOf,
  FIRST_BIN,
  FLUSH_EVERY,
  MIDDLE_CUT,
  UPPER_CUT,
} from './exact-sum.js';
import { biasedExponentOf } from './numbers/float-bits.js';
import { numbers, reserveWork, WORK } from './numbers/wasm-module.js';

/**
 * Many exact sums fed one term at a time, each a binned accumulator like exactSumOf's: for terms made on
 * the fly (a fit's curvature products), so that no column of them is written and read again. The bins
 * of every sum are flushed together whenever the terms added to all of them reach FLUSH_EVERY, so no
 * bin is ever added to more often than exactSumOf's. A sum of -0 terms alone is +0 here.
 */
class BinnedSums {
  private readonly sumBins: Float64Array;
  private readonly rests: Array<ExactSum | undefined>;
  private added = 0;

  constructor(readonly count: number) {
    this.sumBins = new Float64Array(count * BIN_COUNT);
    this.rests = new Array<ExactSum | undefined>(count).fill(undefined);
  }

  add(k: number, x: number): void {
    const exponent = biasedExponentOf(x);
    if (exponent >= BIG_EXPONENT) {
      this.restOf(k).add(x);
      return;
    }
    const bin = k * BIN_COUNT + FIRST_BIN[exponent]!;
    const upper = UPPER_CUT[exponent]!;
    const middle = MIDDLE_CUT[exponent]!;
    const top = x + upper - upper;
    const remainder = x - top;
    const mid = remainder + middle - middle;
    const b = this.sumBins;
    b[bin]! += remainder - mid;
    b[bin + 1]! += mid;
    b[bin + 2]! += top;
    if (++this.added === FLUSH_EVERY) this.flush();
  }

  /** Each sum's state, in order; the accumulator starts again from zero. */
  states(): ExactSumState[] {
    const states: ExactSumState[] = [];
    for (let k = 0; k < this.count; k++) {
      const partials: number[] = [];
      for (let j = k * BIN_COUNT; j < (k + 1) * BIN_COUNT; j++)
        if (this.sumBins[j] !== 0) partials.push(this.sumBins[j]!);
      const rest = this.rests[k];
      if (rest === undefined) states.push({ partials, special: 0 });
      else {
        for (const x of partials) rest.add(x);
        states.push(rest.state());
      }
    }
    this.sumBins.fill(0);
    this.rests.fill(undefined);
    this.added = 0;
    return states;
  }

  private restOf(k: number): ExactSum {
    let rest = this.rests[k];
    if (rest === undefined) {
      rest = new ExactSum();
      this.rests[k] = rest;
    }
    return rest;
  }

  private flush(): void {
    for (let k = 0; k < this.count; k++) {
      for (let j = k * BIN_COUNT; j < (k + 1) * BIN_COUNT; j++) {
        if (this.sumBins[j] !== 0) this.restOf(k).add(this.sumBins[j]!);
      }
    }
    this.sumBins.fill(0);
    this.added = 0;
  }
}

/**
 * The exact sums of scale[i]·a[i]·b[i] over i < rows for every pair of columns a ≤ b (in the order
 * (0,0), (0,1), ..., (1,1), ...), scale = scaleOf(a, b), each product rounded once, in that order: a fit's
 * curvature. There are
 * p(p+1)/2 of them a row, so they avoid the per-term exponent of exactSumOf. For each pair, the largest
 * product is bounded from the columns' largest values (rounding is monotone, so the bound holds), and
 * 2^E above it fixes three bins for the pair: every product of at least 2^(E-44) is cut into whole
 * numbers of 2^(E-32), 2^(E-64) and 2^(E-96), each under 2^32 of them, which three doubles hold exactly
 * for 2^20 rows. Smaller products (and pairs whose bound is out of the bins' range) go through BinnedSums.
 * Each pair's loop runs in the numbers module (src/wasm/product-sums.ts), two rows at a time in SIMD lanes,
 * each lane with its own three bins.
 */
/** exactProductSums' general path for each number of pairs seen on this thread (states() empties it). */
const productSlowPaths = new Map<number, BinnedSums>();

export function exactProductSums(
  scaleOf: (a: number, b: number) => Float64Array,
  columns: readonly Float64Array[],
  rows: number,
): ExactSumState[] {
  const p = columns.length;
  const largest = (column: Float64Array): number => {
    let m = 0;
    for (let i = 0; i < rows; i++) m = Math.max(m, Math.abs(column[i]!));
    return m;
  };
  const maxScale = new Map<Float64Array, number>();
  const largestScale = (scale: Float64Array): number => {
    let m = maxScale.get(scale);
    if (m === undefined) {
      m = largest(scale);
      maxScale.set(scale, m);
    }
    return m;
  };
  const maxColumn = columns.map(largest);
  const pairs = (p * (p + 1)) / 2;
  let slow = productSlowPaths.get(pairs);
  if (slow === undefined) {
    slow = new BinnedSums(pairs);
    productSlowPaths.set(pairs, slow);
  }
  const work = productWork(columns, rows);
  const fast: number[][] = [];
  let k = 0;
  for (let a = 0; a < p; a++) {
    // The copies: the columns themselves may have been views of the memory the work now holds.
    const ja = copies[a]!;
    let scaledBy: Float64Array | undefined;
    for (let b = a; b < p; b++, k++) {
      // scale·a in the module's memory, once for every b that has the same scale.
      const scale = scaleOf(a, b);
      if (scale !== scaledBy) {
        for (let i = 0; i < rows; i++) work.scaled[i] = scale[i]! * ja[i]!;
        scaledBy = scale;
      }
      const bound = largestScale(scale) * maxColumn[a]! * maxColumn[b]!;
      const partials: number[] = [];
      fast.push(partials);
      const pair = k;
      if (!inBinsRange(bound)) {
        // Zero, subnormal-range, huge or not finite: the general path (NaN and infinities included).
        const jb = copies[b]!;
        for (let i = 0; i < rows; i++) slow.add(pair, work.scaled[i]! * jb[i]!);
        continue;
      }
      sumInBins(work.scaledAt, work.columnAt(b), rows, bound, work, partials, (x) => slow.add(pair, x));
    }
  }
  return slow.states().map((state, pair) => ({
    partials: [...state.partials, ...fast[pair]!],
    special: state.special,
  }));
}

/** Whether the three bins of a largest value this size are doubles (their cuts neither overflow nor underflow). */
const inBinsRange = (bound: number): boolean => bound > 2 ** -900 && bound < 2 ** 900;

/**
 * Σ a[i]·b[i] over i < rows (a and b at those addresses of the numbers module's memory), every product at
 * most `bound`: the nine bins' nonzero values onto `partials`, each term too small for them to `small`.
 */
function sumInBins(
  aAt: number,
  bAt: number,
  rows: number,
  bound: number,
  area: { readonly outAt: number; readonly smallsAt: number },
  partials: number[],
  small: (x: number) => void,
): void {
  const e = Math.floor(Math.log2(bound)) + 2; // 2^e > bound, with a step to spare for log2's rounding
  const [upper, middle, low] = [1.5 * 2 ** (e - 32 + 52), 1.5 * 2 ** (e - 64 + 52), 2 ** (e - 44)];
  // At most 2^20 rows a call: each bin stays an exact double.
  for (let start = 0; start < rows; start += 1 << 20) {
    const count = Math.min(rows, start + (1 << 20)) - start;
    const smalls = numbers.productSums(
      aAt + 8 * start,
      bAt + 8 * start,
      count,
      upper,
      middle,
      low,
      area.outAt,
      area.smallsAt,
    );
    const buffer = numbers.memory.buffer;
    for (const x of new Float64Array(buffer, area.smallsAt, smalls)) small(x);
    for (const x of new Float64Array(buffer, area.outAt, 9)) if (x !== 0) partials.push(x);
  }
}

/** JavaScript's copies of exactProductSums' columns, reused call after call. */
let copies: Float64Array[] = [];

/**
 * exactProductSums' area in the numbers module's memory: the columns, scale·a, the small terms and the
 * nine accumulators. The columns are copied out first, since they may be views of that same memory (the
 * plain CSV parser's columns are).
 */
function productWork(columns: readonly Float64Array[], rows: number) {
  if (copies.length < columns.length || (copies[0]?.length ?? 0) < rows) {
    copies = columns.map(() => new Float64Array(Math.max(rows, copies[0]?.length ?? 0)));
  }
  for (const [j, column] of columns.entries()) copies[j]!.set(column.subarray(0, rows));
  const bytes = 8 * rows;
  reserveWork((columns.length + 2) * bytes + 9 * 8);
  const buffer = numbers.memory.buffer;
  const columnAt = (j: number): number => WORK + j * bytes;
  for (let j = 0; j < columns.length; j++)
    new Float64Array(buffer, columnAt(j), rows).set(copies[j]!.subarray(0, rows));
  const scaledAt = columnAt(columns.length);
  const smallsAt = scaledAt + bytes;
  const outAt = smallsAt + bytes;
  return { columnAt, scaledAt, smallsAt, outAt, scaled: new Float64Array(buffer, scaledAt, rows) };
}

/**
 * exactSumOf for each of a task's columns, through the numbers module where it can: a column whose largest
 * value is in the bins' range is summed as exactProductSums sums a pair (its products with a column of
 * ones are its own values, exactly), its small terms by exactSumOf; any other column (zeros, -0, NaN,
 * infinities, huge values) by exactSumOf alone. The same exact sums, several times faster.
 */
export function exactColumnSums(columns: readonly Float64Array[], rows: number): ExactSumState[] {
  if (rows === 0) return columns.map((column) => exactSumOf(column, 0));
  const bytes = 8 * rows;
  let area: { onesAt: number; slotAt: number; smallsAt: number; outAt: number } | undefined;
  return columns.map((column) => {
    let largest = 0;
    for (let i = 0; i < rows; i++) largest = Math.max(largest, Math.abs(column[i]!));
    if (!inBinsRange(largest)) return exactSumOf(column, rows);
    if (area === undefined) {
      reserveWork(3 * bytes + 9 * 8);
      area = { onesAt: WORK, slotAt: WORK + bytes, smallsAt: WORK + 2 * bytes, outAt: WORK + 3 * bytes };
      new Float64Array(numbers.memory.buffer, area.onesAt, rows).fill(1);
    }
    new Float64Array(numbers.memory.buffer, area.slotAt, rows).set(column.subarray(0, rows));
    const partials: number[] = [];
    const smallTerms: number[] = [];
    sumInBins(area.slotAt, area.onesAt, rows, largest, area, partials, (x) => smallTerms.push(x));
    if (smallTerms.length === 0) return { partials, special: 0 };
    const small = exactSumOf(Float64Array.from(smallTerms), smallTerms.length);
    return { partials: [...small.partials, ...partials], special: small.special };
  });
}
