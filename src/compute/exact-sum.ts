/**
 * An exact running sum of float64 values (Shewchuk's non-overlapping partials, as in Python's math.fsum).
 *
 * Why: the dataset's gradient sums must be identical to the last bit whatever --threads and --batch-size
 * are. A plain `+=` depends on the order in which chunks are added; an exact sum does not. Each worker
 * sums its chunk's columns exactly (exactSumOf, below), the coordinator adds those states together here
 * (still exact), and only the final `value()` rounds, once, to the float64 nearest the true sum.
 */
import { biasedExponentOf } from './numbers/float-bits.js';

export class ExactSum {
  /** partials[0..count): non-overlapping, increasing in magnitude; their exact sum is the running total. */
  private partials = new Float64Array(8);
  private count = 0;
  /** Infinities and NaNs are summed apart, with IEEE rules (Infinity + -Infinity is NaN). */
  private special = 0;

  add(value: number): void {
    if (!Number.isFinite(value)) {
      this.special += value;
      return;
    }
    const p = this.partials;
    let x = value;
    let kept = 0;
    for (let j = 0; j < this.count; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[kept++] = lo;
      x = hi;
    }
    if (!Number.isFinite(x)) {
      // The true sum is beyond float64: report it as the overflowed infinity.
      this.special += x;
      this.count = 0;
      return;
    }
    if (kept === p.length) this.grow();
    this.partials[kept] = x;
    this.count = kept + 1;
  }

  private grow(): void {
    const larger = new Float64Array(2 * this.partials.length);
    larger.set(this.partials);
    this.partials = larger;
  }

  /** A structured-clonable snapshot, to send from a worker. */
  state(): ExactSumState {
    return { partials: Array.from(this.partials.subarray(0, this.count)), special: this.special };
  }

  addState(state: ExactSumState): void {
    for (const x of state.partials) this.add(x);
    if (state.special !== 0) this.special += state.special;
  }

  /** The float64 nearest the exact sum (ties to even). */
  value(): number {
    if (this.special !== 0 || Number.isNaN(this.special)) return this.special;
    const p = this.partials;
    let n = this.count;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Round half to even across the remaining partials: if the rest pushes lo past a tie, step hi once.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

/**
 * The one list of partials that stands for this exact sum, whatever order its terms came in: the largest
 * is the float64 nearest the sum, each next one the float64 nearest what remains, smallest first. Two
 * states of the same exact sum (from any threads, batch sizes or shards) give the same list; -0 alone
 * stays [-0], and a sum with an infinity or NaN keeps no partials, since they no longer count.
 */
export function canonicalState(state: ExactSumState): ExactSumState {
  if (state.special !== 0) return { partials: [], special: state.special };
  const rest = new ExactSum();
  rest.addState(state);
  const largestFirst: number[] = [];
  for (let value = rest.value(); value !== 0; value = rest.value()) {
    largestFirst.push(value);
    rest.add(-value);
  }
  if (largestFirst.length === 0 && Object.is(rest.value(), -0)) return { partials: [-0], special: 0 };
  return { partials: largestFirst.reverse(), special: 0 };
}

export interface ExactSumState {
  partials: number[];
  special: number;
}

/**
 * The exact sum of column[0..rows), as a state to send to the coordinator. This runs for every output
 * number, so it does not use ExactSum's partials (several times slower an add) but a binned
 * accumulator: the bits of a double are cut at fixed 32-bit boundaries of the exponent range, and each
 * piece is added into the bin that starts at its boundary. Every piece is a whole number of its bin's
 * units below 2^31 of them, so a bin stays an exact double for 2^22 adds; the bins are flushed into an
 * ExactSum well before that. The state lists the bins' values, whose exact sum is the column's.
 */
export function exactSumOf(column: Float64Array, rows: number): ExactSumState {
  let rest: ExactSum | undefined; // huge values, infinities, NaNs and flushed bins
  let lowest = BIN_COUNT;
  let highest = -1;
  let sinceFlush = 0;
  for (let i = 0; i < rows; i++) {
    const x = column[i]!;
    const exponent = biasedExponentOf(x);
    if (exponent >= BIG_EXPONENT) {
      rest ??= new ExactSum();
      rest.add(x);
      continue;
    }
    // x = (x - top) + top, then the remainder cut again: each cut rounds to a multiple of the boundary
    // by adding and removing a constant 1.5 * 2^(boundary + 52), exactly.
    const bin = FIRST_BIN[exponent]!;
    const upper = UPPER_CUT[exponent]!;
    const middle = MIDDLE_CUT[exponent]!;
    const top = x + upper - upper;
    const remainder = x - top;
    const mid = remainder + middle - middle;
    bins[bin]! += remainder - mid;
    bins[bin + 1]! += mid;
    bins[bin + 2]! += top;
    if (bin < lowest) lowest = bin;
    if (bin > highest) highest = bin;
    if (++sinceFlush === FLUSH_EVERY) {
      rest ??= new ExactSum();
      flushBins(rest, lowest, highest);
      sinceFlush = 0;
    }
  }
  const partials: number[] = [];
  for (let j = lowest; j <= highest + 2; j++) partials.push(bins[j]!);
  bins.fill(0, lowest, highest + 3);
  let state: ExactSumState = { partials, special: 0 };
  if (rest !== undefined) {
    for (const x of partials) rest.add(x);
    state = rest.state();
  }
  // The cuts turn -0 into +0, but IEEE's sum is -0 when every term is -0.
  const zero = state.special === 0 && state.partials.every((x) => x === 0);
  if (zero && rows > 0 && column.subarray(0, rows).every((x) => Object.is(x, -0)))
    return { partials: [-0], special: 0 };
  return state;
}

const BIN_BITS = 32;
/** Bin j counts units of 2^(32j - 1074): every double's bits lie in three consecutive bins. */
export const BIN_COUNT = 2 + Math.ceil(2098 / BIN_BITS);
/** From this biased exponent up (|x| >= 2^958), the cut constants would overflow: such x go to ExactSum. */
export const BIG_EXPONENT = 1023 + 958;
export const FLUSH_EVERY = 2 ** 21;
const bins = new Float64Array(BIN_COUNT);
export const FIRST_BIN = Int32Array.from({ length: 2048 }, (_, e) => Math.floor((Math.max(e, 1) - 1) / BIN_BITS));
export const MIDDLE_CUT = Float64Array.from(
  { length: 2048 },
  (_, e) => 1.5 * 2 ** ((FIRST_BIN[e]! + 1) * BIN_BITS - 1074 + 52),
);
export const UPPER_CUT = Float64Array.from(
  { length: 2048 },
  (_, e) => 1.5 * 2 ** ((FIRST_BIN[e]! + 2) * BIN_BITS - 1074 + 52),
);

function flushBins(into: ExactSum, lowest: number, highest: number): void {
  for (let j = lowest; j <= highest + 2; j++) into.add(bins[j]!);
  bins.fill(0, lowest, highest + 3);
}
