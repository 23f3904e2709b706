/**
 * The dataset's accounting: rows read, written and rejected, and for f and every gradient column its exact
 * sum and mean over all written rows. Chunks, files and shards are added in any order; the result is the
 * same to the bit. A summary carries each sum's exact form too, so that the summaries of the parts of one
 * job (shards, on one machine or many) can be added exactly (merge-summaries.ts).
 */
import { createHash } from 'node:crypto';
import { canonicalState, ExactSum, type ExactSumState } from '../compute/exact-sum.js';
import {
  curvatureColumnNames,
  type JobSpec,
  outputColumnNames,
  parametersOf,
  summedColumnNames,
} from '../compute/job/job.js';
import { classOrder } from '../compute/job/labels.js';

/** An exact sum as JSON: non-overlapping float64 partials whose exact total it is, and any infinity or NaN. */
export interface ExactSumJson {
  /** -0 is written "-0": JSON has no negative zero, and an all -0 column sums to -0. */
  readonly partials: ReadonlyArray<number | '-0'>;
  readonly special?: 'Infinity' | '-Infinity' | 'NaN';
}

export interface ColumnTotals {
  readonly sum: number;
  /** null when no row was written. */
  readonly mean: number | null;
  readonly exact: ExactSumJson;
}

/** What the model was: its parameters' values (those used) and its loss, when it has them. */
export interface ModelFacts {
  readonly params?: Readonly<Record<string, number>>;
  readonly loss?: { readonly kind: string; readonly label: string; readonly weight?: string };
  /** A softmax model's classes, in the order of its parameters and p_<class> columns. */
  readonly classes?: readonly string[];
}

/** Which part of a job a summary covers, and what job it is. */
export interface PartFacts {
  /** Identifies the job: model, columns, options that change numbers, and the input files and sizes. */
  readonly fingerprint?: string;
  readonly shard?: { readonly index: number; readonly count: number };
}

export interface RunSummary extends ModelFacts, PartFacts {
  readonly input: string;
  readonly output: string;
  readonly rows: { readonly read: number; readonly written: number; readonly rejected: number };
  /** f, the loss, and every gradient column: with a loss, the sums and means of dloss_d<name> are the batch gradient. */
  readonly columns: Readonly<Record<string, ColumnTotals>>;
  /** When a fit looks for softmax's classes: the labels read, in classOrder. */
  readonly labels?: readonly string[];
}

/** The facts of a job's model for its summary. */
function modelFacts(job: JobSpec): ModelFacts {
  const params = parametersOf(job.tape);
  const { model, loss } = job.tape;
  return {
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(loss ? { loss } : {}),
    ...(model.kind === 'softmax' && model.classes.length > 0 ? { classes: model.classes } : {}),
  };
}

/** A digest of everything that decides a job's numbers, and of its inputs (names and sizes). */
export function jobFingerprint(
  job: JobSpec,
  inputs: ReadonlyArray<{ readonly name: string; readonly size: number | undefined }>,
): string {
  const decisive = {
    tape: job.tape,
    header: job.header,
    inputColumns: job.inputColumns,
    gradientOrder: job.gradientOrder,
    output: outputColumnNames(job),
    onError: job.onError,
    inputs,
  };
  return createHash('sha256').update(JSON.stringify(decisive)).digest('hex').slice(0, 32);
}

/** The sum's canonical partials: the same JSON for the same exact sum, however it was split. */
function exactSumJson(exact: ExactSumState): ExactSumJson {
  const state = canonicalState(exact);
  const special = state.special === 0 ? undefined : (String(state.special) as ExactSumJson['special']);
  return {
    partials: state.partials.map((x) => (Object.is(x, -0) ? '-0' : x)),
    ...(special === undefined ? {} : { special }),
  };
}

export function exactSumState(json: ExactSumJson): ExactSumState {
  return { partials: json.partials.map(Number), special: json.special === undefined ? 0 : Number(json.special) };
}

/** A summary as its file holds it. */
export const summaryJson = (summary: RunSummary): string => `${JSON.stringify(summary, null, 2)}\n`;

export class SummaryAccumulator {
  private read = 0;
  private written = 0;
  private rejected = 0;
  private readonly sums: ExactSum[];
  private readonly labels = new Set<string>();

  constructor(
    readonly columnNames: readonly string[],
    private readonly facts: ModelFacts = {},
  ) {
    this.sums = columnNames.map(() => new ExactSum());
  }

  /** An accumulator for a job's summed columns, with its model's facts. */
  static forJob(job: JobSpec): SummaryAccumulator {
    return new SummaryAccumulator([...summedColumnNames(job), ...curvatureColumnNames(job.tape)], modelFacts(job));
  }

  add(part: {
    read: number;
    written: number;
    rejected: number;
    sums: readonly ExactSumState[];
    labels?: readonly string[];
  }): void {
    for (const label of part.labels ?? []) this.labels.add(label);
    this.read += part.read;
    this.written += part.written;
    this.rejected += part.rejected;
    for (const [k, state] of part.sums.entries()) this.sums[k]!.addState(state);
  }

  /** Everything another accumulator of the same columns has taken. */
  addAll(other: SummaryAccumulator): void {
    this.add({ ...other.counts, sums: other.sums.map((sum) => sum.state()), labels: [...other.labels] });
  }

  get counts(): RunSummary['rows'] {
    return { read: this.read, written: this.written, rejected: this.rejected };
  }

  result(input: string, output: string, part: PartFacts = {}): RunSummary {
    const columns: Record<string, ColumnTotals> = {};
    this.columnNames.forEach((name, k) => {
      const sum = this.sums[k]!.value();
      columns[name] = {
        sum,
        mean: this.written === 0 ? null : sum / this.written,
        exact: exactSumJson(this.sums[k]!.state()),
      };
    });
    const labels = this.labels.size === 0 ? {} : { labels: classOrder(this.labels) };
    return { input, output, ...this.facts, ...part, rows: this.counts, columns, ...labels };
  }
}
