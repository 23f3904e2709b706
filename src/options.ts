/**
 * User options in; a complete, validated RunOptions out. Every message names the option, what it needs,
 * and what was given. The CLI and the library both come through here.
 */
import { availableParallelism } from 'node:os';
import { BatchGradError } from './errors.js';
import type { OnError } from './compute/job.js';

/**
 * Rows per task. Measured with bench/batch-size.ts (1M rows, n=2, 2 threads, median of 3): 64 rows 389k
 * rows/s, 256 627k, 1024 868k, 4096 1,057k, 8192 1,099k, 16384 1,104k, 65536 1,098k (a task also ends
 * past 1 MiB of input, about 10k rows here). Below a few thousand rows the per-task cost dominates; from
 * 8192 up throughput is flat, and peak memory is 123-125 MiB against 119 at 4096, so 8192.
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

function invalid(option: string, needs: string, given: unknown): never {
  throw new BatchGradError('INVALID_OPTION', `--${option} needs ${needs}; got ${JSON.stringify(given)}`, { option, value: String(given) });
}

function positiveInteger(option: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
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

export function normaliseRunOptions(input: RunOptionsInput): RunOptions {
  if (typeof input.input !== 'string' || input.input === '') invalid('input', 'a file path, or - for stdin', input.input);
  if (typeof input.output !== 'string' || input.output === '') invalid('out', 'a file path, or - for stdout', input.output);
  const keep = typeof input.keep === 'string' ? input.keep.split(',').map((s) => s.trim()).filter((s) => s !== '') : [...(input.keep ?? [])];
  if (input.onError !== undefined && input.onError !== 'fail' && input.onError !== 'skip') invalid('on-error', 'fail or skip', input.onError);
  const onError = input.onError ?? 'fail';
  if (input.rejects !== undefined && onError !== 'skip') invalid('rejects', '--on-error skip (only skipped rows are rejected)', input.rejects);
  if (input.expr !== undefined && (typeof input.expr !== 'string' || input.expr.trim() === '')) invalid('expr', 'a formula such as "w*x + b"', input.expr);
  const maxThreads = Math.max(64, 4 * availableParallelism());
  return {
    input: input.input,
    output: input.output,
    threads: positiveInteger('threads', input.threads, availableParallelism(), maxThreads),
    batchSize: positiveInteger('batch-size', input.batchSize, DEFAULT_BATCH_SIZE, 10_000_000),
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
