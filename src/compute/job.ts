/**
 * What a worker needs to know to process chunks of one input: plain, structured-clonable data, built once
 * by the coordinator from the header and the options, and sent with every chunk.
 */
export type ModelSpec = { readonly kind: 'logistic'; readonly features: number } | { readonly kind: 'formula'; readonly text: string };

export type OnError = 'fail' | 'skip';

export interface JobSpec {
  readonly model: ModelSpec;
  /** The input's header, as parsed. */
  readonly header: readonly string[];
  /** For each model input, in the tape's order, its 0-based column in the header. */
  readonly inputColumns: readonly number[];
  /** The tape's gradient indices in the order they are written: the inputs' order in the header. */
  readonly gradientOrder: readonly number[];
  /** Header columns copied to the output, in the order asked for. */
  readonly keepColumns: readonly number[];
  readonly delimiter: string;
  readonly onError: OnError;
  /** The input's name in messages: its path, or "<stdin>". */
  readonly file: string;
  /** Whether rejected rows are to be returned (only when --rejects asks for them). */
  readonly collectRejects: boolean;
}

/** The output columns: kept columns, f, then df_d<name> in header order. */
export function outputColumnNames(job: JobSpec): string[] {
  const gradientNames = job.gradientOrder.map((k) => `df_d${job.header[job.inputColumns[k]!]!}`);
  return [...job.keepColumns.map((c) => job.header[c]!), 'f', ...gradientNames];
}

/** The names whose sums are accumulated: f and every gradient column. */
export function summedColumnNames(job: JobSpec): string[] {
  return outputColumnNames(job).slice(job.keepColumns.length);
}
