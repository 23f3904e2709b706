/**
 * What one task gives back, whatever its input (a CSV chunk or byte range, a JSON Lines, Arrow or Parquet
 * batch): the output bytes in the job's encoding, the counts, the exact partial sums, and the rows it
 * rejected, or the error that stops the run.
 */
import type { BatchGradError, BatchGradErrorData, ErrorCode } from '../errors.js';
import type { ExactSumState } from './exact-sum.js';

/** A row skipped under --on-error skip: located by its line in a text input, by its row in a columnar one. */
export interface RejectedRow {
  readonly line: number;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly text: string;
}

export interface TaskResult {
  /** Position of the task in the input, from 0: results are written in this order. */
  readonly seq: number;
  /** Input bytes the task covered (for progress). */
  readonly inputBytes: number;
  /** The output rows in the job's encoding. */
  readonly output: Uint8Array;
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  /** Filled only when the job collects rejects. */
  readonly rejects: RejectedRow[];
  /** f, then the gradients in output order. */
  readonly sums: ExactSumState[];
  /** Set when the run must stop (a bad row under --on-error fail, or a broken input). */
  readonly error?: BatchGradErrorData;
  /** The task's input bytes, handed back (by a worker) so their buffer can be reused. */
  readonly input?: Uint8Array;
  /** With job.keepInputs: the good rows' model inputs, one column per tape input, in shared memory. */
  readonly inputs?: Float64Array[];
  /** With job.label.collect: the distinct labels the task read. */
  readonly labels?: string[];
}

/**
 * A column's first `rows` values in a SharedArrayBuffer: a fit's cache, made where the rows are parsed and
 * then read in place by every worker, pass after pass, never copied again.
 */
export function sharedColumn(column: Float64Array, rows: number): Float64Array {
  const shared = new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT));
  shared.set(column.subarray(0, rows));
  return shared;
}

/** The result of a task that stops the run: nothing written, nothing summed. */
export function failedResult(seq: number, inputBytes: number, error: BatchGradError): TaskResult {
  return {
    seq,
    inputBytes,
    output: new Uint8Array(0),
    read: 0,
    written: 0,
    rejected: 0,
    rejects: [],
    sums: [],
    error: error.toData(),
  };
}
