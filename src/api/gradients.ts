/**
 * The async-iterable form: `for await (const row of engine.gradients(source, options))`. Records in give
 * result records out; with `input: 'csv'` or `'jsonl'`, raw bytes in give bytes of the same format out
 * (exactly the CLI's output); with `input: 'arrow'`, record batches in give record batches out.
 * The dataset's totals are `job.summary`, settled when the iteration ends.
 */
import type { RecordBatch } from 'apache-arrow';
import { headerLine } from '../compute/output-header.js';
import type { TaskResult } from '../compute/task-result.js';
import type { Engine } from '../engine/engine.js';
import { jobFor, startRun } from '../pipeline/run.js';
import { taskBytesFor } from '../pipeline/sizing.js';
import type { Source } from '../pipeline/source.js';
import { csvStream } from '../pipeline/sources/csv-stream.js';
import { jsonLines } from '../pipeline/sources/jsonl.js';
import { type InputRecord, type OutputRecord, records as recordSource } from '../pipeline/sources/records.js';
import { type RunSummary, SummaryAccumulator } from '../pipeline/summary.js';
import { arrowResults } from './arrow-table.js';
import { type GradientOptions, gradientChoices } from './gradient-options.js';

export type { RejectedRow } from '../compute/task-result.js';
export type { InputRecord, OutputRecord, RejectedRecord } from '../pipeline/sources/records.js';
export type { GradientOptions } from './gradient-options.js';

export interface GradientJob<T> extends AsyncIterable<T> {
  /** Counts, sums and means over all rows; resolves when the iteration has finished. */
  readonly summary: Promise<RunSummary>;
}

export function gradientJob(
  engine: Engine,
  source: AsyncIterable<unknown> | Iterable<unknown>,
  options: GradientOptions = {},
): GradientJob<OutputRecord | Uint8Array | RecordBatch> {
  let settle!: { resolve: (summary: RunSummary) => void; reject: (error: unknown) => void };
  const summary = new Promise<RunSummary>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody has to await the summary; a failure is also thrown by the iteration itself.
  summary.catch(() => undefined);
  const { signal } = options;
  // Checked when the job is made, not when it is first iterated.
  const choices = gradientChoices(options);

  async function* records(): AsyncGenerator<OutputRecord> {
    engine.assertOpen();
    const input = await recordSource(engine, toAsync(source) as AsyncIterable<InputRecord>, {
      batchSize: choices.batchSize,
      onReject: options.onReject,
      signal,
    });
    if (input === undefined) {
      settle.resolve(new SummaryAccumulator([]).result('<records>', '<records>'));
      return;
    }
    const run = startRun(
      engine,
      input,
      jobFor(input.header, { ...choices, file: '<records>', delimiter: ',', collectRejects: false }),
      signal,
    );
    for await (const result of run.results) yield* result.records;
    settle.resolve(run.summary.result('<records>', '<records>'));
  }

  /** Bytes in, bytes of the same text format out: the CLI's pipeline on a stream. */
  async function* text(): AsyncGenerator<Uint8Array> {
    const jsonl = options.input === 'jsonl';
    const job = {
      ...choices,
      file: '<stream>',
      ...(jsonl ? { outputEncoding: { encoding: 'jsonl' as const, delimiter: ',' } } : {}),
    };
    const bytes = (async function* () {
      for await (const piece of toAsync(source))
        yield typeof piece === 'string' ? Buffer.from(piece) : (piece as Uint8Array);
    })();
    engine.assertOpen();
    const opened = {
      file: job.file,
      batchSize: choices.batchSize,
      taskBytes: taskBytesFor(job.outputEncoding?.encoding),
      signal,
    };
    const input: Source<unknown, unknown, TaskResult> = jsonl
      ? await jsonLines(engine, bytes, opened)
      : await csvStream(engine, bytes, { ...opened, delimiter: choices.delimiter });
    const run = startRun(engine, input, jobFor(input.header, job), signal);
    if (!jsonl) yield headerLine(run.job);
    for await (const result of run.results) {
      for (const rejected of result.rejects) options.onReject?.(rejected);
      yield result.output;
    }
    settle.resolve(run.summary.result('<stream>', '<stream>'));
  }

  async function* arrowBatches(): AsyncGenerator<RecordBatch> {
    const batches = toAsync(source) as AsyncGenerator<RecordBatch>;
    const first = await batches.next();
    if (first.done === true) {
      settle.resolve(new SummaryAccumulator([]).result('<arrow>', '<arrow>'));
      return;
    }
    const header = first.value.schema.fields.map((field) => field.name);
    const all = (async function* () {
      yield first.value;
      yield* batches;
    })();
    yield* arrowResults(engine, header, all, choices, signal, (done) => settle.resolve(done));
  }

  const generate =
    options.input === 'csv' || options.input === 'jsonl' ? text : options.input === 'arrow' ? arrowBatches : records;
  return {
    summary,
    async *[Symbol.asyncIterator]() {
      try {
        yield* generate();
      } catch (error) {
        settle.reject(error);
        throw error;
      } finally {
        settle.reject(new Error('the iteration stopped before the end; there is no summary'));
      }
    },
  };
}

async function* toAsync<T>(source: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* source;
}
