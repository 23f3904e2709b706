/**
 * The async-iterable form: `for await (const row of engine.gradients(source, options))`. Records in give
 * result records out; with `input: 'csv'` or `'jsonl'`, raw bytes in give bytes of the same format out
 * (exactly the CLI's output); with `input: 'arrow'`, record batches in give record batches out.
 * The dataset's totals are `job.summary`, settled when the iteration ends.
 */
import { startBatchRun } from '../pipeline/batch-run.js';
import { startCsvRun, type CsvRun } from '../pipeline/csv-run.js';
import type { Engine } from '../engine/engine.js';
import { batchSizeOf, delimiterOf, onErrorOf, trainingOf, type TrainingInput } from '../pipeline/options.js';
import type { RejectedRow } from '../compute/process-chunk.js';
import { SummaryAccumulator, type RunSummary } from '../pipeline/summary.js';
import { formulaOf, type ModelChoice } from './model-choice.js';
import { RecordRun, type InputRecord, type OutputRecord, type RejectedRecord } from './record-run.js';
import { arrowResults } from './arrow-table.js';
import type { RecordBatch } from 'apache-arrow';

export interface GradientOptions extends TrainingInput {
  /** The logistic model (default; n from the columns, or `{ features: n }`), or a formula. */
  readonly model?: ModelChoice;
  /** A formula (the same as `model: formula`). */
  readonly expr?: string;
  /** Columns copied to each result. */
  readonly keep?: readonly string[];
  readonly onError?: 'fail' | 'skip';
  /** Called for each record skipped under `onError: 'skip'`. */
  readonly onReject?: (rejected: RejectedRecord | RejectedRow) => void;
  /** Rows per task sent to a worker. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /**
   * `records` (default): objects or arrays in, objects out. `csv`: bytes or strings in, CSV bytes out.
   * `jsonl`: JSON Lines bytes or strings in, JSON Lines bytes out. `arrow`: apache-arrow RecordBatches in
   * (all of one schema), RecordBatches of results out. (Parquet needs its footer first: use runFile.)
   */
  readonly input?: 'records' | 'csv' | 'jsonl' | 'arrow';
  /** For `input: 'csv'`: the field delimiter (default `,`). */
  readonly delimiter?: string;
}

export interface GradientJob<T> extends AsyncIterable<T> {
  /** Counts, sums and means over all rows; resolves when the iteration has finished. */
  readonly summary: Promise<RunSummary>;
}

export function gradientJob(engine: Engine, source: AsyncIterable<unknown> | Iterable<unknown>, options: GradientOptions = {}): GradientJob<OutputRecord | Uint8Array | RecordBatch> {
  let settle!: { resolve: (summary: RunSummary) => void; reject: (error: unknown) => void };
  const summary = new Promise<RunSummary>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody has to await the summary; a failure is also thrown by the iteration itself.
  summary.catch(() => undefined);
  const batchSize = batchSizeOf(options.batchSize);
  const delimiter = delimiterOf(options.delimiter);
  const common = {
    expr: formulaOf(options), keep: options.keep ?? [], onError: onErrorOf(options.onError), batchSize, signal: options.signal,
    training: trainingOf(options),
  };

  async function* records(): AsyncGenerator<OutputRecord> {
    const run = new RecordRun(engine, { ...common, onReject: options.onReject });
    yield* run.run(toAsync(source) as AsyncIterable<InputRecord>);
    const totals = run.totals ?? new SummaryAccumulator([]);
    settle.resolve(totals.result('<records>', '<records>'));
  }

  /** Bytes in, bytes of the same text format out: the CLI's pipeline on a stream. */
  async function* text(): AsyncGenerator<Uint8Array> {
    const bytes = (async function* () {
      for await (const piece of toAsync(source)) yield typeof piece === 'string' ? Buffer.from(piece) : (piece as Uint8Array);
    })();
    const runOptions = { ...common, delimiter, file: '<stream>', collectRejects: options.onReject !== undefined };
    const run: CsvRun = options.input === 'jsonl'
      ? await startBatchRun(engine, { path: undefined, bytes }, 'jsonl', { ...runOptions, outputEncoding: { encoding: 'jsonl', delimiter: ',' } })
      : await startCsvRun(engine, bytes, runOptions);
    if (run.header.length > 0) yield run.header;
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
    yield* arrowResults(engine, header, all, options, (summary) => settle.resolve(summary));
  }

  const generate = options.input === 'csv' || options.input === 'jsonl' ? text : options.input === 'arrow' ? arrowBatches : records;
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
