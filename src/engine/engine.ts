/**
 * The engine owns the worker pool, so many jobs can share one set of threads. It is what the library
 * exposes; the CLI and the one-shot functions make one, use it once and close it.
 */
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { BatchGradError } from '../errors.js';
import type { WorkerRequest, WorkerResponse } from '../pipeline/messages.js';
import { createPool } from '../pipeline/pool.js';
import { abortable, interrupted } from '../pipeline/abort.js';

export interface EngineOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly threads?: number;
}

export class Engine {
  readonly threads: number;
  private pool: Promise<Piscina> | undefined;
  private closed = false;

  constructor(options: EngineOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new BatchGradError('INVALID_OPTION', `threads needs a whole number from 1; got ${JSON.stringify(threads)}`, { option: 'threads', value: String(threads) });
    }
    this.threads = threads;
  }

  /** Throws ENGINE_CLOSED once close() was called: every job checks this first, pool or no pool. */
  assertOpen(): void {
    if (this.closed) throw new BatchGradError('ENGINE_CLOSED', 'this batch-grad engine is closed; create another', {});
  }

  /** Run one request on the pool (started on first use). A thread that fails becomes WORKER_FAILED. */
  async run<R extends WorkerResponse>(request: WorkerRequest, transfer: ArrayBufferLike[], signal?: AbortSignal): Promise<R> {
    this.assertOpen();
    this.pool ??= createPool(this.threads);
    try {
      const options = { transferList: transfer as ArrayBuffer[], ...(signal ? { signal } : {}) };
      const pool = await this.pool;
      return (await abortable(pool.run(request, options) as Promise<R>, signal));
    } catch (error) {
      if (error instanceof BatchGradError) throw error;
      if (signal?.aborted) throw interrupted(signal);
      const where = request.kind === 'chunk' ? `rows from line ${request.task.firstLine}` : `a batch of ${request.rows} records`;
      const message = error instanceof Error ? error.message : String(error);
      throw new BatchGradError('WORKER_FAILED', `a worker thread failed on ${where}: ${message}`, request.kind === 'chunk' ? { line: request.task.firstLine } : {});
    }
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

/** Run `use` with a fresh engine and always close it afterwards. */
export async function withEngine<T>(options: EngineOptions, use: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = new Engine(options);
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}
