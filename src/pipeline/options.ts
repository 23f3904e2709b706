/**
 * User options in; complete, validated options out. Every message has one shape, `--<option> needs <what>;
 * got <value>`, and every option the CLI or the library takes is checked here and nowhere else.
 */
import { availableParallelism } from 'node:os';
import { BatchGradError } from '../errors.js';
import { readFileSync } from 'node:fs';
import type { JobSpec, OnError } from '../compute/job.js';
import type { TrainingChoices } from '../compute/resolve-job.js';
import { LOSSES, type LossKind } from '../core/loss.js';
import { PARQUET_COMPRESSIONS, type Format, type ParquetCompression } from '../compute/formats.js';
import { formatOf } from './formats.js';
import type { Shard } from './input-parts.js';

/**
 * Rows per task: where throughput has stopped growing with the task size and memory has not yet started
 * to (bench/batch-size.ts measures it; the figures are in docs/performance.md).
 */
export const DEFAULT_BATCH_SIZE = 8192;

export interface RunOptions {
  /** Every input: files, folders of files, or '-' for stdin, read in order as one dataset. */
  readonly inputs: readonly string[];
  /** --from as given (undefined: each input's format by its extension). */
  readonly fromGiven: Format | undefined;
  /** --shard k/N: the k-th of N parts of the job. */
  readonly shard: Shard | undefined;
  /** Whether CSV input starts with a header row (--no-header: it does not, and `columns` names them). */
  readonly header: boolean;
  readonly columns: readonly string[] | undefined;
  /** Output path, or '-' for stdout. */
  readonly output: string;
  readonly threads: number;
  readonly batchSize: number;
  /**
   * A CSV file's byte ranges: --batch-size rows' worth (estimated) when it is given, else RANGE_BYTES
   * (QUOTED_RANGE_BYTES for text with quotes), larger than 8192 narrow rows because each range costs the
   * coordinator the same; for a Parquet output, a row group's worth (rangeBytesOf).
   */
  readonly rangeBytes: (rowBytes: number, quoted: boolean) => number;
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
  /** The input's and the output's formats (by extension unless --from/--to say). */
  readonly from: Format;
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

/** The training options as a caller gives them: lists as arrays or comma-separated text. */
export interface TrainingInput {
  /** `--features age,income`: the logistic model over these columns, parameters w_<feature> and b. */
  readonly features?: readonly string[] | string;
  /** Parameter values by name, or (the CLI's --params) the path of a JSON file holding them. */
  readonly params?: Readonly<Record<string, number>> | string;
  /** `--param name=value`, repeatable; these win over `params`. */
  readonly param?: readonly string[] | string;
  /** The label's column. */
  readonly label?: string;
  readonly loss?: LossKind;
  /** A column whose value multiplies each row's loss. */
  readonly weight?: string;
  /** The inputs whose gradients are written. */
  readonly wrt?: readonly string[] | string;
}

export type RunOptionsInput = Partial<Pick<RunOptions, 'threads' | 'batchSize' | 'expr' | 'summary' | 'delimiter' | 'onError' | 'rejects' | 'progress' | 'signal' | 'from' | 'to' | 'compression' | 'header'>> & TrainingInput & {
  /** A path, '-' for stdin, or several paths (files or folders) read as one dataset. */
  input: string | readonly string[];
  output: string;
  keep?: readonly string[] | string;
  /** 'k/N' or { index: k, count: N }. */
  shard?: string | Shard;
  columns?: readonly string[] | string;
};

export function invalid(option: string, needs: string, given: unknown): never {
  throw new BatchGradError('INVALID_OPTION', `--${option} needs ${needs}; got ${JSON.stringify(given)}`, { option, value: String(given) });
}

export function positiveInteger(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    return invalid(option, `a whole number from 1 to ${max}`, value);
  }
  return value;
}

/** `\t` and `tab` both mean a tab, since a literal tab is hard to type in a shell. */
export function delimiterOf(value: unknown): string {
  if (value === undefined) return ',';
  const delimiter = value === '\\t' || value === 'tab' ? '\t' : value;
  // One ASCII byte: the plain-chunk parser splits fields at that byte.
  if (typeof delimiter !== 'string' || !/^[\x01-\x7f]$/.test(delimiter) || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    return invalid('delimiter', 'one ASCII character other than a quote or a line break (use \\t or tab for a tab)', value);
  }
  return delimiter;
}

/** Worker threads: the machine's available parallelism by default, and at most 4 a core (or 64). */
export function threadsOf(value: unknown): number {
  return positiveInteger('threads', value, availableParallelism(), Math.max(64, 4 * availableParallelism()));
}

export function batchSizeOf(value: unknown): number {
  return positiveInteger('batch-size', value, DEFAULT_BATCH_SIZE, 10_000_000);
}

/**
 * The nominal bytes of a CSV file's ranges (docs/performance.md has the measurements): few enough ranges
 * that one coordinator feeds many workers, small enough that memory stays flat. Text with quotes is parsed
 * by csv-parse, about 5x slower a byte and with garbage that grows with what it holds at once: its ranges
 * are smaller, and cost the coordinator no more for the work they carry.
 */
export const RANGE_BYTES = 4 << 20;
export const QUOTED_RANGE_BYTES = 1 << 20;

/**
 * Each batch of a Parquet output is one of its row groups (the workers write them), so without --batch-size
 * a Parquet output's batches hold DuckDB's default row group of rows, up to PARQUET_BATCH_BYTES of input:
 * readers want row groups of megabytes, not the few hundred kilobytes of a CSV job's batch.
 */
const PARQUET_ROW_GROUP_ROWS = 122_880;
const PARQUET_BATCH_BYTES = 32 << 20;

/** A stream's batches end past `ordinary` input bytes, or PARQUET_BATCH_BYTES for a Parquet output (see above). */
export function batchBytesFor(output: JobSpec['output'] | undefined, ordinary: number): number {
  return output?.encoding === 'parquet' ? PARQUET_BATCH_BYTES : ordinary;
}

/**
 * A file's range bytes, from its rows' size and whether its first bytes hold quotes: as above, or
 * --batch-size rows' worth when it is given (at most RANGE_BYTES, or PARQUET_BATCH_BYTES for a Parquet output),
 * or a row group's worth for a Parquet output.
 */
export function rangeBytesOf(batchSize: unknown, to: Format): (rowBytes: number, quoted: boolean) => number {
  if (batchSize === undefined && to === 'parquet') {
    return (rowBytes) => Math.max(RANGE_BYTES, Math.min(PARQUET_BATCH_BYTES, Math.round(PARQUET_ROW_GROUP_ROWS * rowBytes)));
  }
  if (batchSize === undefined) return (_, quoted) => (quoted ? QUOTED_RANGE_BYTES : RANGE_BYTES);
  const rows = batchSizeOf(batchSize);
  const most = to === 'parquet' ? PARQUET_BATCH_BYTES : RANGE_BYTES;
  return (rowBytes) => Math.max(1, Math.min(most, Math.round(rows * rowBytes)));
}

export function onErrorOf(value: unknown): OnError {
  if (value !== undefined && value !== 'fail' && value !== 'skip') invalid('on-error', 'fail or skip', value);
  return value ?? 'fail';
}

/** A list given as an array or as comma-separated text, each name trimmed. */
function namesOf(option: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const names = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || n === '')) {
    return invalid(option, 'one or more names, comma-separated', value);
  }
  return names as string[];
}

function parameterValue(option: string, name: string, value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) invalid(option, `a finite number for "${name}"`, value);
  return number;
}

/** `--params`: an object of numbers, or a JSON file holding one (or the `params` of a fit's output). */
function paramsOf(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  let object: unknown = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(readFileSync(value, 'utf8')) as unknown;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      return invalid('params', `a readable JSON file of parameter values (${code === 'ENOENT' ? 'no such file' : message})`, value);
    }
    if (typeof object === 'object' && object !== null && 'params' in object) object = (object as { params: unknown }).params;
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return invalid('params', 'an object of parameter values by name', value);
  return Object.fromEntries(Object.entries(object).map(([name, v]) => [name, parameterValue('params', name, v)]));
}

export function trainingOf(input: TrainingInput): TrainingChoices {
  const params = paramsOf(input.params);
  const single = typeof input.param === 'string' ? [input.param] : input.param ?? [];
  for (const item of single) {
    const at = typeof item === 'string' ? item.indexOf('=') : -1;
    if (at <= 0) invalid('param', 'name=value', item);
    params[item.slice(0, at).trim()] = parameterValue('param', item.slice(0, at).trim(), item.slice(at + 1));
  }
  if (input.loss !== undefined && !(LOSSES as readonly unknown[]).includes(input.loss)) invalid('loss', LOSSES.join(' or '), input.loss);
  for (const option of ['label', 'weight'] as const) {
    const value = input[option];
    if (value !== undefined && (typeof value !== 'string' || value === '')) invalid(option, 'a column name', value);
  }
  return {
    features: namesOf('features', input.features),
    params,
    label: input.label,
    loss: input.loss,
    weight: input.weight,
    wrt: namesOf('wrt', input.wrt),
  };
}

/** `k/N` with 1 <= k <= N. */
export function shardOf(value: unknown): Shard | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value) : undefined;
  const shard = match ? { index: Number(match[1]), count: Number(match[2]) } : value as Shard;
  if (typeof shard !== 'object' || shard === null || !Number.isInteger(shard.index) || !Number.isInteger(shard.count) || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    return invalid('shard', 'k/N with 1 <= k <= N, e.g. 3/8', value);
  }
  return { index: shard.index, count: shard.count };
}

export function normaliseRunOptions(input: RunOptionsInput): RunOptions {
  const inputs = typeof input.input === 'string' ? [input.input] : [...(input.input ?? [])];
  if (inputs.length === 0 || inputs.some((path) => typeof path !== 'string' || path === '')) invalid('input', 'a file path, or - for stdin', input.input);
  if (inputs.length > 1 && inputs.includes('-')) invalid('input', 'files, or - alone for stdin', input.input);
  if (typeof input.output !== 'string' || input.output === '') invalid('out', 'a file path, or - for stdout', input.output);
  const keep = typeof input.keep === 'string' ? input.keep.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...(input.keep ?? [])];
  const onError = onErrorOf(input.onError);
  const from = formatOf('from', inputs[0]!, input.from);
  const header = input.header ?? true;
  const columns = namesOf('columns', input.columns);
  if (columns !== undefined && header) invalid('columns', '--no-header (it names the columns of input that has no header row)', input.columns);
  if (!header && columns === undefined && (from === 'csv' || from === 'tsv')) invalid('no-header', '--columns, the names of the columns', input.columns);
  const to = formatOf('to', input.output, input.to);
  if (input.compression !== undefined && !(PARQUET_COMPRESSIONS as readonly unknown[]).includes(input.compression)) {
    invalid('compression', PARQUET_COMPRESSIONS.join(', '), input.compression);
  }
  if (input.compression !== undefined && to !== 'parquet') invalid('compression', 'a Parquet output (a .parquet name or --to parquet)', input.compression);
  // TSV is tab-delimited unless -d says otherwise. CSV output keeps the input's delimiter when the input is
  // CSV, or TSV written to stdout with no --to (the output mirrors the input, as it always has).
  const delimiter = input.delimiter === undefined && from === 'tsv' ? '\t' : delimiterOf(input.delimiter);
  const mirrors = from === 'csv' || (from === 'tsv' && input.output === '-' && input.to === undefined);
  const outputDelimiter = to === 'tsv' ? '\t' : mirrors ? delimiter : ',';
  if (input.rejects !== undefined && onError !== 'skip') invalid('rejects', '--on-error skip (only skipped rows are rejected)', input.rejects);
  if (input.expr !== undefined && (typeof input.expr !== 'string' || input.expr.trim() === '')) invalid('expr', 'a formula such as "w*x + b"', input.expr);
  return {
    inputs,
    fromGiven: input.from,
    shard: shardOf(input.shard),
    header,
    columns,
    output: input.output,
    threads: threadsOf(input.threads),
    batchSize: input.batchSize === undefined && to === 'parquet' ? PARQUET_ROW_GROUP_ROWS : batchSizeOf(input.batchSize),
    rangeBytes: rangeBytesOf(input.batchSize, to),
    expr: input.expr,
    keep,
    summary: input.summary,
    delimiter,
    onError,
    rejects: input.rejects,
    progress: input.progress ?? false,
    signal: input.signal,
    training: trainingOf(input),
    from,
    to,
    outputDelimiter,
    compression: input.compression ?? 'snappy',
  };
}

/** A fit's own options, checked like every other. */
export interface FitSettings {
  /** Weight of (l2/2)||weights||^2 added to the mean loss; the bias b is not penalised. */
  readonly l2: number;
  readonly maxIterations: number;
  /** Converged when the gradient's largest component is at most this. */
  readonly tolerance: number;
  readonly history: number;
  /** Keep the parsed model inputs in memory after the first pass. */
  readonly cache: boolean;
}

export interface FitSettingsInput {
  readonly l2?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
  readonly history?: number;
  readonly cache?: boolean;
}

export function fitSettingsOf(input: FitSettingsInput): FitSettings {
  const nonNegative = (option: string, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(option, 'a number >= 0', value);
    return value;
  };
  return {
    l2: nonNegative('l2', input.l2, 0),
    maxIterations: positiveInteger('max-iter', input.maxIterations, 100, 1_000_000),
    tolerance: nonNegative('tol', input.tolerance, 1e-8),
    history: positiveInteger('history', input.history, 10, 1000),
    cache: input.cache ?? false,
  };
}
