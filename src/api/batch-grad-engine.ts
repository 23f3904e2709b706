/**
 * The library's engine: one worker pool for many jobs. Close it (or `await using` it) when done; it leaves
 * no threads or handles behind.
 *
 *   await using engine = createEngine({ threads: 4 });
 *   for await (const row of engine.gradients(records)) ...
 *   await pipeline(source, engine.gradStream({ keep: ['id'] }), sink);
 *   await engine.runFile({ input: 'data.csv', output: 'grads.csv' });
 */

import type { RecordBatch, Table } from 'apache-arrow';
import type { Engine } from '../engine/engine.js';
import type { RunIo } from '../pipeline/run-file.js';
import type { RunSummary } from '../pipeline/summary.js';
import { tableOfGradients } from './arrow-table.js';
import { engineOf } from './engines.js';
import { GradTransform } from './grad-transform.js';
import type { InputRecord, OutputRecord } from './gradients.js';
import { type GradientJob, type GradientOptions, gradientJob } from './gradients.js';
import { checkKeys } from './options/option-keys.js';
import { type RunFileOptions, runFileOn } from './run-file.js';

export interface EngineOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly threads?: number;
}

/** Holds the engine rather than extending it, so its pool and worker protocol stay private. */
export class BatchGradEngine implements AsyncDisposable {
  readonly #engine: Engine;

  constructor(options: EngineOptions = {}) {
    checkKeys('createEngine()', options);
    this.#engine = engineOf(options.threads);
  }

  get threads(): number {
    return this.#engine.threads;
  }

  /** Result records (or, with `input: 'csv'` or `'jsonl'`, byte chunks of that format) for a source of records (or bytes). */
  gradients(
    source: AsyncIterable<InputRecord> | Iterable<InputRecord>,
    options?: GradientOptions & { input?: 'records' },
  ): GradientJob<OutputRecord>;
  gradients(
    source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    options: GradientOptions & { input: 'csv' | 'jsonl' },
  ): GradientJob<Uint8Array>;
  gradients(
    source: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
    options: GradientOptions & { input: 'arrow' },
  ): GradientJob<RecordBatch>;
  gradients(source: AsyncIterable<unknown> | Iterable<unknown>, options: GradientOptions = {}): GradientJob<unknown> {
    checkKeys('engine.gradients()', options);
    return gradientJob(this.#engine, source, options);
  }

  /** An Arrow table of inputs to an Arrow table of results (kept columns, f, gradients); IPC bytes to IPC bytes. */
  table(table: Table, options?: GradientOptions): Promise<Table>;
  table(table: Uint8Array, options?: GradientOptions): Promise<Uint8Array>;
  table(table: Table | Uint8Array, options?: GradientOptions): Promise<Table | Uint8Array> {
    checkKeys('engine.gradients()', options);
    return tableOfGradients(this.#engine, table as Table, options);
  }

  /** A Transform for `stream.pipeline`: records to result records, or CSV bytes to CSV bytes. */
  gradStream(options: GradientOptions = {}): GradTransform {
    checkKeys('engine.gradients()', options);
    return new GradTransform(this.#engine, options);
  }

  /** A file (or stdin) to a file (or stdout): exactly what the CLI does. */
  runFile(options: Omit<RunFileOptions, 'threads'>, io?: RunIo): Promise<RunSummary> {
    return runFileOn(this.#engine, options, io);
  }

  /** Stop the threads. Jobs still running fail; the engine cannot be used again. */
  close(): Promise<void> {
    return this.#engine.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

export function createEngine(options: EngineOptions = {}): BatchGradEngine {
  return new BatchGradEngine(options);
}

/** One job on a pool of its own, closed when the iteration ends (or stops early). */
export function gradients(
  source: AsyncIterable<InputRecord> | Iterable<InputRecord>,
  options?: GradientOptions & EngineOptions & { input?: 'records' },
): GradientJob<OutputRecord>;
export function gradients(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: GradientOptions & EngineOptions & { input: 'csv' | 'jsonl' },
): GradientJob<Uint8Array>;
export function gradients(
  source: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  options: GradientOptions & EngineOptions & { input: 'arrow' },
): GradientJob<RecordBatch>;
export function gradients(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  options: GradientOptions & EngineOptions = {},
): GradientJob<unknown> {
  checkKeys('gradients()', options);
  const { threads, ...jobOptions } = options;
  const engine = createEngine({ threads });
  const job = engine.gradients(
    source as Iterable<InputRecord>,
    jobOptions as GradientOptions & { input?: 'records' },
  ) as GradientJob<unknown>;
  return {
    summary: job.summary,
    async *[Symbol.asyncIterator]() {
      try {
        yield* job;
      } finally {
        await engine.close();
      }
    },
  };
}

/** An Arrow table of inputs to an Arrow table of results, or IPC bytes to IPC bytes, on a pool of its own. */
export async function gradientsTable(table: Table, options?: GradientOptions & EngineOptions): Promise<Table>;
export async function gradientsTable(table: Uint8Array, options?: GradientOptions & EngineOptions): Promise<Uint8Array>;
export async function gradientsTable(
  table: Table | Uint8Array,
  options: GradientOptions & EngineOptions = {},
): Promise<Table | Uint8Array> {
  checkKeys('gradients()', options);
  const { threads, ...jobOptions } = options;
  const engine = createEngine({ threads });
  try {
    return await engine.table(table as Table, jobOptions);
  } finally {
    await engine.close();
  }
}

/** A Transform with a pool of its own, closed when the stream finishes or fails. */
export function gradStream(options: GradientOptions & EngineOptions = {}): GradTransform {
  checkKeys('gradients()', options);
  const engine = engineOf(options.threads);
  return new GradTransform(engine, options, () => engine.close());
}
