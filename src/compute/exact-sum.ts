/**
 * An exact running sum of float64 values (Shewchuk's non-overlapping partials, as in Python's math.fsum).
 *
 * Why: the dataset's gradient sums must be identical to the last bit whatever --threads and --batch-size
 * are. A plain `+=` depends on the order in which chunks are added; an exact sum does not. Each worker
 * sums its chunk into partials, the coordinator adds the partials together (still exact), and only the
 * final `value()` rounds, once, to the float64 nearest the true sum.
 */
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

export interface ExactSumState {
  partials: number[];
  special: number;
}

/** The exact sum of column[0..rows), as a state to send to the coordinator. */
export function exactSumOf(column: Float64Array, rows: number): ExactSumState {
  const sum = new ExactSum();
  for (let i = 0; i < rows; i++) sum.add(column[i]!);
  return sum.state();
}
