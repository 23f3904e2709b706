/**
 * The dataset's accounting: rows read, written and rejected, and for f and every gradient column its exact
 * sum and mean over all written rows. Chunks are added in any order; the result is the same to the bit.
 */
import { ExactSum, type ExactSumState } from '../compute/exact-sum.js';

export interface ColumnTotals {
  readonly sum: number;
  /** null when no row was written. */
  readonly mean: number | null;
}

export interface RunSummary {
  readonly input: string;
  readonly output: string;
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number };
  readonly columns: Readonly<Record<string, ColumnTotals>>;
}

export class SummaryAccumulator {
  private read = 0;
  private written = 0;
  private rejected = 0;
  private readonly sums: ExactSum[];

  constructor(private readonly columnNames: readonly string[]) {
    this.sums = columnNames.map(() => new ExactSum());
  }

  add(part: { read: number; written: number; rejected: number; sums: readonly ExactSumState[] }): void {
    this.read += part.read;
    this.written += part.written;
    this.rejected += part.rejected;
    part.sums.forEach((state, k) => this.sums[k]!.addState(state));
  }

  get counts(): RunSummary['rows'] {
    return { read: this.read, written: this.written, rejected: this.rejected };
  }

  result(input: string, output: string): RunSummary {
    const columns: Record<string, ColumnTotals> = {};
    this.columnNames.forEach((name, k) => {
      const sum = this.sums[k]!.value();
      columns[name] = { sum, mean: this.written === 0 ? null : sum / this.written };
    });
    return { input, output, rows: this.counts, columns };
  }
}
