/**
 * User options in; complete, validated options out. Every message has one shape, `--<option> needs <what>;
 * got <value>`, and every option the CLI or the library takes is checked here and nowhere else.
 */
import { availableParallelism } from 'node:os';
import { BatchGradError } from '../errors.js';
import type { OnError } from '../compute/job.js';

/**
 * Rows per task: where throughput has stopped growing with the task size and memory has not yet started
 * to (bench/batch-size.ts measures it; the figures are in docs/performance.md).
 */
export const DEFAULT_BATCH_SIZE = 8192;

export interface RunOptions {
  /** Input path, or '-' for stdin. */
  readonly input: string;
  /** Output path, or '-' for stdout. */
  readonly output: string;
  readonly threads: number;
  readonly batchSize: number;
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
}

export type RunOptionsInput = Partial<Omit<RunOptions, 'keep'>> & { input: string; output: string; keep?: readonly string[] | string };

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

export function onErrorOf(value: unknown): OnError {
  if (value !== undefined && value !== 'fail' && value !== 'skip') invalid('on-error', 'fail or skip', value);
  return value ?? 'fail';
}

export function normaliseRunOptions(input: RunOptionsInput): RunOptions {
  if (typeof input.input !== 'string' || input.input === '') invalid('input', 'a file path, or - for stdin', input.input);
  if (typeof input.output !== 'string' || input.output === '') invalid('out', 'a file path, or - for stdout', input.output);
  const keep = typeof input.keep === 'string' ? input.keep.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...(input.keep ?? [])];
  const onError = onErrorOf(input.onError);
  if (input.rejects !== undefined && onError !== 'skip') invalid('rejects', '--on-error skip (only skipped rows are rejected)', input.rejects);
  if (input.expr !== undefined && (typeof input.expr !== 'string' || input.expr.trim() === '')) invalid('expr', 'a formula such as "w*x + b"', input.expr);
  return {
    input: input.input,
    output: input.output,
    threads: threadsOf(input.threads),
    batchSize: batchSizeOf(input.batchSize),
    expr: input.expr,
    keep,
    summary: input.summary,
    delimiter: delimiterOf(input.delimiter),
    onError,
    rejects: input.rejects,
    progress: input.progress ?? false,
    signal: input.signal,
  };
}
