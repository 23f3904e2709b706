/**
 * What a worker needs to know to process chunks of one input: plain, structured-clonable data, built once
 * by the coordinator from the header and the options, and sent with every chunk.
 */
import type { LossKind } from '../../core/loss.js';
import type { OutputEncoding, ParquetCompression } from '../formats.js';
import type { CheckedLabel } from './labels.js';

/**
 * The model: the notebook's logistic model over columns w1..wn, x1..xn, b; the logistic model over named
 * features with parameters w_<feature> and b (`--features`); or a formula.
 */
export type ModelSpec =
  | { readonly kind: 'logistic'; readonly features: number }
  | { readonly kind: 'features'; readonly names: readonly string[] }
  | { readonly kind: 'formula'; readonly text: string }
  /** The multinomial logistic model over named features and classes (--loss softmax). */
  | { readonly kind: 'softmax'; readonly names: readonly string[]; readonly classes: readonly string[] };

interface LossSpec {
  readonly kind: LossKind;
  /** The label's column name. */
  readonly label: string;
  /** The weight's column name, if rows are weighted. */
  readonly weight?: string;
}

/** How a thread builds and feeds the tape. */
export interface TapeSpec {
  readonly model: ModelSpec;
  readonly loss?: LossSpec;
  /** The tape's inputs in order: the columns read from each row (JobSpec.inputColumns' order), then the parameters. */
  readonly inputs: readonly string[];
  /** The parameters' values: one for each of the last `params.length` inputs. */
  readonly params: readonly number[];
  /** The inputs (by position) whose gradients are computed: those written. Every input's when absent. */
  readonly differentiate?: readonly number[];
  /** Also sum each row's curvature over the parameters (a second-order fit's passes; needs a loss). */
  readonly curvature?: boolean;
}

export type OnError = 'fail' | 'skip';

export interface JobSpec {
  readonly tape: TapeSpec;
  /** The input's header, as parsed. */
  readonly header: readonly string[];
  /** For each tape input read from the rows, in the tape's order, its 0-based column in the header. */
  readonly inputColumns: readonly number[];
  /** The tape inputs whose gradients are written, in output order (parameters, then columns in header order). */
  readonly gradientOrder: readonly number[];
  /** With a loss whose labels are restricted (bce: 0 or 1; poisson: >= 0), the label to check. */
  readonly label?: CheckedLabel;
  /** Header columns copied to the output, in the order asked for. */
  readonly keepColumns: readonly number[];
  /** The input's field delimiter (CSV and TSV input). */
  readonly delimiter: string;
  /** How workers encode output, the delimiter for CSV or TSV output, and a Parquet output's codec (SNAPPY if not given). */
  readonly output: {
    readonly encoding: OutputEncoding;
    readonly delimiter: string;
    readonly compression?: ParquetCompression;
  };
  readonly onError: OnError;
  /** The input's name in messages: its path, or "<stdin>". */
  readonly file: string;
  /** Whether rejected rows are to be returned (only when --rejects asks for them). */
  readonly collectRejects: boolean;
  /** Whether results carry the good rows' model inputs (a fit's cache). */
  readonly keepInputs?: boolean;
}

/** The output columns: kept columns, f, then loss and dloss_d<name> with a loss, else df_d<name>. */
export function outputColumnNames(job: JobSpec): string[] {
  const prefix = job.tape.loss === undefined ? 'df_d' : 'dloss_d';
  const gradientNames = job.gradientOrder.map((k) => `${prefix}${job.tape.inputs[k]!}`);
  return [
    ...job.keepColumns.map((c) => job.header[c]!),
    ...(job.tape.model.kind === 'softmax' ? job.tape.model.classes.map((c) => `p_${c}`) : ['f']),
    ...(job.tape.loss === undefined ? [] : ['loss']),
    ...gradientNames,
  ];
}

/** The names whose sums are accumulated: f, the loss, and every gradient column. */
export function summedColumnNames(job: JobSpec): string[] {
  return outputColumnNames(job).slice(job.keepColumns.length);
}

/**
 * With `tape.curvature`, the names of the curvature sums that follow the summed columns: d2loss_d<a>_d<b>
 * for each pair of parameters a, b in the tape's order with a at or before b (the upper triangle, row by row).
 */
export function curvatureColumnNames(tape: TapeSpec): string[] {
  if (tape.curvature !== true) return [];
  const params = tape.inputs.slice(tape.inputs.length - tape.params.length);
  return params.flatMap((a, j) => params.slice(j).map((b) => `d2loss_d${a}_d${b}`));
}

/** The parameters' names and values, in the tape's order. */
export function parametersOf(tape: TapeSpec): Record<string, number> {
  const first = tape.inputs.length - tape.params.length;
  return Object.fromEntries(tape.params.map((value, k) => [tape.inputs[first + k]!, value]));
}
