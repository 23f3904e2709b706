/**
 * The dataset's accounting: rows read, written and rejected, and for f and every gradient column its exact
 * sum and mean over all written rows. Chunks are added in any order; the result is the same to the bit.
 */
import { ExactSum, type ExactSumState } from '../compute/exact-sum.js';
import { parametersOf, type JobSpec } from '../compute/job.js';

export interface ColumnTotals {
  readonly sum: number;
  /** null when no row was written. */
  readonly mean: number | null;
}

/** What the model was: its parameters' values (those used) and its loss, when it has them. */
export interface ModelFacts {
  readonly params?: Readonly<Record<string, number>>;
  readonly loss?: { readonly kind: string; readonly label: string; readonly weight?: string };
}

export interface RunSummary extends ModelFacts {
  readonly input: string;
  readonly output: string;
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number };
  /** f, the loss, and every gradient column: with a loss, the sums and means of dloss_d<name> are the batch gradient. */
  readonly columns: Readonly<Record<string, ColumnTotals>>;
}

/** The facts of a job's model for its summary. */
export function modelFacts(job: JobSpec): ModelFacts {
  const params = parametersOf(job.tape);
  return { ...(Object.keys(params).length > 0 ? { params } : {}), ...(job.tape.loss ? { loss: job.tape.loss } : {}) };
}

export class SummaryAccumulator {
  private read = 0;
  private written = 0;
  private rejected = 0;
  private readonly sums: ExactSum[];

  constructor(private readonly columnNames: readonly string[], private readonly facts: ModelFacts = {}) {
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
    return { input, output, ...this.facts, rows: this.counts, columns };
  }
}
