/**
 * The engine owns the worker pool, so many jobs can share one set of threads, and speaks the worker
 * protocol, which nothing above it sees: callers ask for a chunk or a batch of columns to be computed.
 * The library's BatchGradEngine holds one; the CLI and the one-shot functions make one, use it once and
 * close it.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import type { BatchTask } from '../compute/columnar/process-batch.js';
import type { ChunkTask } from '../compute/csv/process-chunk.js';
import type { RangeResult, RangeTask } from '../compute/csv/process-range.js';
import type { JobSpec, TapeSpec } from '../compute/job/job.js';
import type { TaskResult } from '../compute/task-result.js';
import { BatchGradError } from '../errors.js';
import { abortable, interrupted } from './abort.js';
import { createPool } from './pool.js';
import type { ColumnsResponse, SumsResponse, WorkerRequest, WorkerResponse } from './protocol.js';

export class Engine {
  private pool: Promise<Piscina> | undefined;
  private closed = false;
  readonly threads: number;
  /** Whether the thread count is the engine's choice (none was given): then a small input may skip the pool. */
  readonly automatic: boolean;

  /** `threads` is already checked (api/options/ checks every option the user gives); none: all cores. */
  constructor(threads?: number) {
    this.threads = threads ?? availableParallelism();
    this.automatic = threads === undefined;
  }

  /** Whether the pool's threads were started (by a task, or by start()). */
  get started(): boolean {
    return this.pool !== undefined;
  }

  /** Throws ENGINE_CLOSED once close() was called: every job checks this first, pool or no pool. */
  assertOpen(): void {
    if (this.closed) throw new BatchGradError('ENGINE_CLOSED', 'this batch-grad engine is closed; create another', {});
  }

  /**
   * Start the threads now rather than on the first task, for a job that will use them whatever its size:
   * they boot while the caller reads what says where the work is.
   */
  async start(): Promise<void> {
    await this.startedPool();
  }

  /** The pool, created on first call; an engine that was closed refuses. */
  private startedPool(): Promise<Piscina> {
    this.assertOpen();
    this.pool ??= createPool(this.threads);
    return this.pool;
  }

  /** One chunk of CSV bytes parsed, computed and formatted on a worker; its buffers are moved, not copied. */
  runChunk(job: JobSpec, task: ChunkTask, signal?: AbortSignal): Promise<TaskResult> {
    const transfer = [task.bytes.buffer, ...(task.outputBuffer ? [task.outputBuffer] : [])];
    return this.run<TaskResult>({ kind: 'chunk', job, task }, transfer, signal);
  }

  /** One byte range of a CSV file, read by the worker itself: only the output crosses between threads. */
  runRange(job: JobSpec, task: RangeTask, signal?: AbortSignal): Promise<RangeResult> {
    return this.run<RangeResult>({ kind: 'range', job, task }, task.outputBuffer ? [task.outputBuffer] : [], signal);
  }

  /** One batch of a JSON Lines, Arrow or Parquet input, decoded, computed and encoded on a worker. */
  runBatch(job: JobSpec, task: BatchTask, signal?: AbortSignal): Promise<TaskResult> {
    const source = task.source;
    const transfer: ArrayBuffer[] =
      source.kind === 'jsonl'
        ? [source.bytes.buffer as ArrayBuffer]
        : source.kind === 'arrow'
          ? [source.ipc.buffer as ArrayBuffer]
          : [];
    if (task.outputBuffer !== undefined) transfer.push(task.outputBuffer);
    return this.run<TaskResult>({ kind: 'batch', job, task }, transfer, signal);
  }

  /** The tape over batches of cached model inputs on a worker: their exact sums, added, come back. */
  runSums(
    tape: TapeSpec,
    gradientOrder: readonly number[],
    batches: ReadonlyArray<{ readonly columns: Float64Array[]; readonly rows: number }>,
    signal?: AbortSignal,
  ): Promise<SumsResponse> {
    // The columns are shared memory: the worker reads them in place, and nothing moves.
    return this.run<SumsResponse>({ kind: 'sums', tape, gradientOrder, batches }, [], signal);
  }

  /** The tape run on a worker over columns already in memory; the columns are moved to it. */
  runColumns(tape: TapeSpec, columns: Float64Array[], rows: number, signal?: AbortSignal): Promise<ColumnsResponse> {
    return this.run<ColumnsResponse>(
      { kind: 'columns', tape, columns, rows },
      columns.map((c) => c.buffer),
      signal,
    );
  }

  /** Run one request on the pool (started on first use). A thread that fails becomes WORKER_FAILED. */
  private async run<R extends WorkerResponse>(
    request: WorkerRequest,
    transfer: ArrayBufferLike[],
    signal?: AbortSignal,
  ): Promise<R> {
    const started = this.startedPool();
    if (signal !== undefined) this.allowListeners(signal);
    try {
      const options = { transferList: transfer as ArrayBuffer[], ...(signal ? { signal } : {}) };
      const pool = await started;
      return await abortable(pool.run(request, options) as Promise<R>, signal);
    } catch (error) {
      if (error instanceof BatchGradError) throw error;
      if (signal?.aborted) throw interrupted(signal);
      const message = error instanceof Error ? error.message : String(error);
      throw new BatchGradError(
        'WORKER_FAILED',
        `a worker thread failed on ${whereOf(request)}: ${message}`,
        request.kind === 'chunk' ? { line: request.task.firstLine } : {},
        { cause: error },
      );
    }
  }

  /**
   * Each task in flight listens to the run's signal twice (piscina's queue and `abortable`), and a run
   * keeps up to 2 tasks a thread in flight: more than Node's default of 10 before it warns of a leak.
   */
  private allowListeners(signal: AbortSignal): void {
    const needed = 4 * this.threads + 10;
    if (getMaxListeners(signal) < needed) setMaxListeners(needed, signal);
  }

  /** Stop the threads. Jobs still running fail; the engine cannot be used again. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await (await pool)?.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The request's rows, for a message (a range's first line is known only in order: the pipeline says it). */
function whereOf(request: WorkerRequest): string {
  switch (request.kind) {
    case 'chunk':
      return `rows from line ${request.task.firstLine}`;
    case 'range':
      return `bytes ${request.task.from} to ${request.task.to}`;
    case 'batch':
      return `batch ${request.task.seq + 1}`;
    case 'sums':
      return `${request.batches.length} cached batches`;
    default:
      return `a batch of ${request.rows} rows`;
  }
}
