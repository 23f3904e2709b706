/**
 * One input as a run sees it: the column names learned when it was opened, and its work as tasks in input
 * order. A source says how a task is computed (which request, on the pool or on this thread) and may check
 * each result in order; the ordering, the error handling, the summary and the yielding are the run's
 * (run.ts), the same for every source.
 */
import type { ExactSumState } from '../compute/exact-sum.js';
import type { JobSpec } from '../compute/job/job.js';
import type { BatchGradErrorData } from '../errors.js';

/** What every result carries for the summary, and the error that stops the run. */
export interface Counted {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly sums: readonly ExactSumState[];
  readonly error?: BatchGradErrorData;
}

export interface Source<Task, Done, Result extends Counted> {
  /** The input's column names. */
  readonly header: readonly string[];
  /** The tasks for the job made from the header, in input order; read only as results are taken. */
  tasks(job: JobSpec): AsyncIterable<Task>;
  /** One task computed. Tasks are computed concurrently, up to two a thread. */
  compute(job: JobSpec, task: Task): Promise<Done>;
  /** Each computed task in input order, before its result is used: the place for checks that need order. */
  inOrder(done: Done, job: JobSpec): Promise<Result> | Result;
  /** A result whose output was written and will not be read again: its buffers may be reused. */
  release(result: Result): void;
  /** What the source opened. */
  close(): Promise<void>;
}

/** What a source over a stream of text (CSV, JSON Lines) is told when it is opened. */
export interface TextSourceOptions {
  /** The input's name in messages. */
  readonly file: string;
  /** The column names when the bytes do not start with them (--no-header, a header already read, a later shard). */
  readonly header?: readonly string[] | undefined;
  /** The line of the bytes' first byte (default 1). */
  readonly firstLine?: number;
  /** Records a task, and the input bytes past which a task ends at the next record. */
  readonly batchSize: number;
  readonly taskBytes: number;
  readonly signal: AbortSignal | undefined;
  /** Closes what the source's bytes come from (default: nothing to close). */
  readonly close?: () => Promise<void>;
}

/** For sources whose computed task is already the result and that keep no buffers. */
export const asIs = <R>(done: R): R => done;
export const keepsNothing = (): void => undefined;
export const closesNothing = async (): Promise<void> => undefined;
