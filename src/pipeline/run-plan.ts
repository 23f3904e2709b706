/**
 * A run's options, settled: what the api hands the pipeline once every option was checked at the door
 * (api/options/). Nothing here is re-derived by the pipeline.
 */
import type { Format, ParquetCompression } from '../compute/formats.js';
import type { JobSpec, OnError } from '../compute/job/job.js';
import type { TrainingChoices } from '../compute/job/resolve-job.js';

/** One file of the job: folders expanded, its format decided (by --from or its extension). */
export interface InputFile {
  /** A file path, or '-' for stdin. */
  readonly path: string;
  readonly format: Format;
  /** A regular file's size (else undefined). */
  readonly size: number | undefined;
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface RunPlan {
  /** The inputs as given (for the summary and for the check that no output is on an input). */
  readonly inputs: readonly string[];
  /** Every file of the job, in order, read as one dataset. */
  readonly files: readonly InputFile[];
  /** --shard k/N: the k-th of N parts of the job. */
  readonly shard: Shard | undefined;
  /** Whether CSV input starts with a header row (--no-header: it does not, and `columns` names them). */
  readonly header: boolean;
  readonly columns: readonly string[] | undefined;
  /** Output path, or '-' for stdout. */
  readonly output: string;
  /** Worker threads, or undefined: the engine chooses (every core, or none for a small input; sizing.ts). */
  readonly threads: number | undefined;
  /** --batch-size as given: rows a task, and a CSV file's ranges that many rows' worth (sizing.ts decides both). */
  readonly batchSize: number | undefined;
  /** A formula instead of the logistic model. */
  readonly expr: string | undefined;
  /** Input columns copied to the output. */
  readonly keep: readonly string[];
  /** Where to write the summary as JSON. */
  readonly summary: string | undefined;
  readonly delimiter: string;
  readonly onError: OnError;
  /** Where to write rejected rows (with --on-error skip). */
  readonly rejects: string | undefined;
  readonly progress: boolean;
  /** Stops the run (e.g. on SIGINT): it ends with an INTERRUPTED error and leaves no output. */
  readonly signal: AbortSignal | undefined;
  /** Features, parameters, label, loss, weight, wrt. */
  readonly training: TrainingChoices;
  /** The output's format (by extension unless --to says). */
  readonly to: Format;
  /** The field delimiter of CSV or TSV output. */
  readonly outputDelimiter: string;
  /** Parquet output's compression codec. */
  readonly compression: ParquetCompression;
  /** Compute only the summary: no output is opened or written (a fit's passes over the data). */
  readonly discardOutput?: boolean;
  /** Given each batch's model inputs (good rows only), in order: a fit's cache. */
  readonly onInputs?: (job: JobSpec, columns: Float64Array[], rows: number) => void;
}
