/**
 * The only shapes that cross between the coordinator and a worker thread. The worker file imports this
 * module and the pure compute code, never the coordinator.
 */

import type { BatchTask } from '../compute/columnar/process-batch.js';
import type { ChunkTask } from '../compute/csv/process-chunk.js';
import type { RangeTask } from '../compute/csv/process-range.js';
import type { ExactSumState } from '../compute/exact-sum.js';
import type { JobSpec, TapeSpec } from '../compute/job/job.js';
import type { TaskResult } from '../compute/task-result.js';

/** CSV bytes to parse, compute and format. */
export interface ChunkRequest {
  readonly kind: 'chunk';
  readonly job: JobSpec;
  readonly task: ChunkTask;
}

/** A byte range of a CSV file, which the worker reads, cuts at records, parses, computes and formats. */
export interface RangeRequest {
  readonly kind: 'range';
  readonly job: JobSpec;
  readonly task: RangeTask;
}

/** A batch of a JSON Lines, Arrow or Parquet input to decode, compute and encode. */
interface BatchRequest {
  readonly kind: 'batch';
  readonly job: JobSpec;
  readonly task: BatchTask;
}

/** Columns already in memory (the library's record streams): only the tape runs on the worker. */
export interface ColumnsRequest {
  readonly kind: 'columns';
  readonly tape: TapeSpec;
  readonly columns: Float64Array[];
  readonly rows: number;
}

export interface ColumnsResponse {
  /** The model's values per row: f (the prediction, with a loss), or softmax's p_<class>. */
  readonly predictions: Float64Array[];
  /** The loss per row, when the job has one. */
  readonly loss: Float64Array | undefined;
  readonly gradients: Float64Array[];
}

/** Model inputs already parsed (a fit's cache): the tape with new parameters, and only the exact sums back. */
interface SumsRequest {
  readonly kind: 'sums';
  readonly tape: TapeSpec;
  /** The tape inputs whose gradients are summed, in output order. */
  readonly gradientOrder: readonly number[];
  /**
   * Batches of a fit's cache, each its columns over SharedArrayBuffers (read in place, never copied or
   * moved) and its rows: the task's sums are all of theirs, added exactly.
   */
  readonly batches: ReadonlyArray<{ readonly columns: Float64Array[]; readonly rows: number }>;
}

export interface SumsResponse {
  /** f, the loss, then the gradients in `gradientOrder`, then any curvature sums. */
  readonly sums: ExactSumState[];
}

export type WorkerRequest = ChunkRequest | RangeRequest | BatchRequest | ColumnsRequest | SumsRequest;
export type WorkerResponse = TaskResult | ColumnsResponse | SumsResponse;
