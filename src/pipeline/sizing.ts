/**
 * How big a task is: the sizes a run's work is cut into, chosen where throughput has stopped growing and
 * memory has not yet started to (docs/performance.md has the measurements and the benches that make them).
 */

import type { Format, OutputEncoding } from '../compute/formats.js';
import type { Engine } from '../engine/engine.js';

/** Rows a task. */
export const DEFAULT_BATCH_SIZE = 8192;

/**
 * Tasks a thread in each pass over a fit's cache: a few, so that the threads finish together, and not one
 * a cached batch, since each task costs two messages and its exact sums' states (docs/training.md).
 */
export const CACHED_TASKS_PER_THREAD = 4;

/** The most --batch-size may say. */
export const MAX_BATCH_SIZE = 10_000_000;

/**
 * A stream's task also ends at the first record past this many input bytes, whatever --batch-size says:
 * wide rows would otherwise make tasks of several megabytes and raise peak memory.
 */
const TASK_BYTES = 1 << 20;

/**
 * The nominal bytes of a CSV file's ranges: small enough that each worker's first ranges do not wait on
 * fresh memory and that text with quotes (parsed by csv-parse) keeps its garbage small, large enough that
 * the coordinator's work a range stays negligible.
 */
export const RANGE_BYTES = 1 << 20;

/**
 * A worker's start-up, as the bytes of CSV the calling thread computes in that time (docs/performance.md
 * has the measurement): the unit of inlineBytesFor.
 */
const WORKER_START_BYTES = 16 << 20;

/**
 * The most CSV bytes a run computes on the calling thread when the engine chooses its `threads` and its
 * pool is not running: n workers save (1 - 1/n) of this thread's time and each costs a start-up first, so
 * this thread is the faster below WORKER_START_BYTES · n / (n - 1), and always against a single worker.
 */
export const inlineBytesFor = (threads: number): number =>
  threads <= 1 ? Number.POSITIVE_INFINITY : Math.floor((WORKER_START_BYTES * threads) / (threads - 1));

/** Whether `bytes` of CSV are computed on this thread (inlineBytesFor) rather than on the engine's pool. */
export const computesHere = (engine: Engine, bytes: number): boolean =>
  engine.automatic && !engine.started && bytes <= inlineBytesFor(engine.threads);

/**
 * A run that writes nothing (a fit's pass) gives back only each task's exact sums, with the curvature one for
 * each pair of parameters, and their cost is a task's, not a row's: its ranges hold at least SUMS_TASK_ROWS
 * rows, up to SUMS_RANGE_BYTES: 1 MiB of wide rows is only a few thousand (docs/training.md has the
 * measurement). A narrow file's ranges stay RANGE_BYTES.
 */
const SUMS_TASK_ROWS = 16_384;
const SUMS_RANGE_BYTES = 4 << 20;

/**
 * Each batch of a Parquet output is one of its row groups (the workers write them), so a Parquet output's
 * batches hold DuckDB's default row group of rows, up to PARQUET_BATCH_BYTES of input: readers want row
 * groups of megabytes, not the few hundred kilobytes of a CSV job's batch.
 */
export const PARQUET_ROW_GROUP_ROWS = 122_880;
const PARQUET_BATCH_BYTES = 32 << 20;

/** Rows a task for an output format: --batch-size when given, else a Parquet row group's or the default. */
export function batchSizeFor(given: number | undefined, to: Format): number {
  return given ?? (to === 'parquet' ? PARQUET_ROW_GROUP_ROWS : DEFAULT_BATCH_SIZE);
}

/** A stream's tasks end past TASK_BYTES of input, or PARQUET_BATCH_BYTES for a Parquet output (see above). */
export function taskBytesFor(encoding: OutputEncoding | undefined): number {
  return encoding === 'parquet' ? PARQUET_BATCH_BYTES : TASK_BYTES;
}

/**
 * A file's range bytes, from its rows' size: RANGE_BYTES, or --batch-size rows' worth when it is given (at
 * most RANGE_BYTES, or PARQUET_BATCH_BYTES for a Parquet output), or a row group's worth for a Parquet output,
 * or SUMS_TASK_ROWS rows' worth for a run that `writes` nothing.
 */
export function rangeBytesFor(given: number | undefined, to: Format, rowBytes: number, writes = true): number {
  if (given === undefined && !writes)
    return Math.max(RANGE_BYTES, Math.min(SUMS_RANGE_BYTES, Math.round(SUMS_TASK_ROWS * rowBytes)));
  if (given === undefined && to === 'parquet')
    return Math.max(RANGE_BYTES, Math.min(PARQUET_BATCH_BYTES, Math.round(PARQUET_ROW_GROUP_ROWS * rowBytes)));
  if (given === undefined) return RANGE_BYTES;
  const most = to === 'parquet' ? PARQUET_BATCH_BYTES : RANGE_BYTES;
  return Math.max(1, Math.min(most, Math.round(given * rowBytes)));
}
