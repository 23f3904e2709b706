/**
 * The library's engine: one worker pool for many jobs. Close it (or `await using` it) when done; it leaves
 * no threads or handles behind.
 *
 *   await using engine = createEngine({ threads: 4 });
 *   for await (const row of engine.gradients(records)) ...
 *   await pipeline(source, engine.gradStream({ keep: ['id'] }), sink);
 *   await engine.runFile({ input: 'data.csv', output: 'grads.csv' });
 */
import { Engine, type EngineOptions } from '../engine/engine.js';
import { normaliseRunOptions, type RunOptionsInput } from '../options.js';
import { runFileWith, type RunIo } from '../pipeline/run-file.js';
import type { RunSummary } from '../pipeline/summary.js';
import { GradTransform } from './grad-transform.js';
import { gradientJob, type GradientJob, type GradientOptions } from './gradients.js';
import type { InputRecord, OutputRecord } from './record-run.js';

export class BatchGradEngine extends Engine {
  /** Result records (or, with `input: 'csv'`, CSV byte chunks) for a source of records (or bytes). */
  gradients(source: AsyncIterable<InputRecord> | Iterable<InputRecord>, options?: GradientOptions & { input?: 'records' }): GradientJob<OutputRecord>;
  gradients(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: GradientOptions & { input: 'csv' }): GradientJob<Uint8Array>;
  gradients(source: AsyncIterable<unknown> | Iterable<unknown>, options: GradientOptions = {}): GradientJob<unknown> {
    return gradientJob(this, source, options);
  }

  /** A Transform for `stream.pipeline`: records to result records, or CSV bytes to CSV bytes. */
  gradStream(options: GradientOptions = {}): GradTransform {
    return new GradTransform(this, options);
  }

  /** A file (or stdin) to a file (or stdout): exactly what the CLI does. */
  runFile(options: Omit<RunOptionsInput, 'threads'>, io?: RunIo): Promise<RunSummary> {
    return runFileWith(this, normaliseRunOptions({ ...options, threads: this.threads }), io);
  }
}

export function createEngine(options: EngineOptions = {}): BatchGradEngine {
  return new BatchGradEngine(options);
}

/** One job on a pool of its own, closed when the iteration ends (or stops early). */
export function gradients(source: AsyncIterable<InputRecord> | Iterable<InputRecord>, options?: GradientOptions & EngineOptions & { input?: 'records' }): GradientJob<OutputRecord>;
export function gradients(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: GradientOptions & EngineOptions & { input: 'csv' }): GradientJob<Uint8Array>;
export function gradients(source: AsyncIterable<unknown> | Iterable<unknown>, options: GradientOptions & EngineOptions = {}): GradientJob<unknown> {
  const engine = createEngine(options);
  const job = gradientJob(engine, source, options);
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

/** A Transform with a pool of its own, closed when the stream finishes or fails. */
export function gradStream(options: GradientOptions & EngineOptions = {}): GradTransform {
  const engine = createEngine(options);
  return new GradTransform(engine, options, () => engine.close());
}
