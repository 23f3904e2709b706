/**
 * CSV bytes in, output chunks out, in order: the stream path, for stdin, pipes, gzip, small files and the
 * library's CSV streams (a CSV file is read by byte ranges instead: csv-range-run.ts).
 *
 * The calling thread only cuts the input into record-aligned chunks, hands them to the pool, and yields
 * results strictly in input order; parsing, the tape and formatting run on the workers. At most
 * `2 x threads` chunks are in flight, and a chunk is read only when the consumer has taken a result, so
 * memory stays flat whatever the input size. An input that fits in one chunk is computed on the calling
 * thread: starting threads would cost more than the work.
 */
import { csvField } from '../compute/csv-field.js';
import { outputColumnNames, summedColumnNames, type JobSpec } from '../compute/job.js';
import type { ChunkResult } from '../compute/process-chunk.js';
import { resolveJob } from '../compute/resolve-job.js';
import { BatchGradError } from '../errors.js';
import { batchBytesFor, type RunOptions } from './options.js';
import { abortable } from '../engine/abort.js';
import { RecordChunker, type RecordChunk } from './chunker.js';
import { parseHeader } from '../compute/parse-header.js';
import { orderedMap } from './ordered-map.js';
import { BufferPool } from './buffer-pool.js';
import { modelFacts, SummaryAccumulator } from './summary.js';
import type { Engine } from '../engine/engine.js';

/** A record this long almost always means an unterminated quote swallowing the rest of the file. */
export const MAX_RECORD_BYTES = 64 << 20;

/**
 * A task also ends at the first record past this many input bytes, whatever --batch-size says: wide rows
 * would otherwise make tasks of several megabytes and raise peak memory, while a megabyte is already past
 * where per-task costs matter (docs/performance.md).
 */
export const MAX_TASK_BYTES = 1 << 20;

export type CsvRunOptions = Pick<RunOptions, 'expr' | 'keep' | 'delimiter' | 'onError' | 'batchSize' | 'signal' | 'training'> & {
  /** The input's name in messages. */
  readonly file: string;
  /** Whether results carry the rejected rows (for a rejects file). */
  readonly collectRejects: boolean;
  /** How workers encode the output (default: CSV with the input's delimiter). */
  readonly outputEncoding?: JobSpec['output'];
  /** The line number of the source's first byte (default 1): a shard's lines count from its own start. */
  readonly firstLine?: number;
  /** The column names of a source with no header row (--no-header --columns). */
  readonly columns?: readonly string[] | undefined;
  /** Whether results carry the good rows' model inputs (a fit's cache). */
  readonly keepInputs?: boolean;
};

export interface CsvRun {
  readonly job: JobSpec;
  /** The output's header line. */
  readonly header: Uint8Array;
  /** Each chunk's result, in input order; a bad row (under fail) or a failure is thrown in its turn. */
  readonly results: AsyncGenerator<ChunkResult>;
  /** Counts and exact sums of the results taken so far. */
  readonly summary: SummaryAccumulator;
  /**
   * Call when a result's output bytes have been written and will not be read again: their buffer is
   * reused for a later chunk. Optional (a result kept by the caller is simply never released).
   */
  readonly release: (result: ChunkResult) => void;
}

/** The job for an input's header under a run's options, whatever the input's format. */
export function runJob(header: readonly string[], options: CsvRunOptions): JobSpec {
  const job = resolveJob(header, {
    ...options.training,
    expr: options.expr, keep: options.keep, delimiter: options.delimiter, onError: options.onError,
    file: options.file, collectRejects: options.collectRejects, output: options.outputEncoding,
  });
  return options.keepInputs === true ? { ...job, keepInputs: true } : job;
}

/** Read the header (so its problems are reported before anything is computed), then stream the rest. */
export async function startCsvRun(engine: Engine, bytes: AsyncIterable<Uint8Array>, options: CsvRunOptions): Promise<CsvRun> {
  engine.assertOpen();
  const buffers = runBuffers(engine.threads);
  const chunker = new RecordChunker(bytes, {
    file: options.file, maxRecordBytes: MAX_RECORD_BYTES, allocate: (size) => buffers.bytes(size), firstLine: options.firstLine ?? 1,
  });
  let header = options.columns;
  if (header === undefined) {
    const headerChunk = await abortable(chunker.next(1), options.signal);
    if (headerChunk === undefined) {
      throw new BatchGradError('HEADER_INVALID', `${options.file}: the input is empty; it needs at least a header row`, { file: options.file });
    }
    header = parseHeader(headerChunk.bytes, options.delimiter, options.file);
  }
  const job = runJob(header, options);
  const maxBytes = batchBytesFor(options.outputEncoding, MAX_TASK_BYTES);
  const next = (): Promise<RecordChunk | undefined> => abortable(chunker.next(options.batchSize, maxBytes), options.signal);
  return csvRunOf(job, buffers, (summary) => results(engine, job, next, summary, buffers, options.signal));
}

/** Buffers enough for every chunk in flight (2 per thread), its output, and those being written. */
export const runBuffers = (threads: number): BufferPool => new BufferPool(4 * threads + 4);

/** A CSV run of a job whose results (added into the summary as they are taken) come from `results`. */
export function csvRunOf(job: JobSpec, buffers: BufferPool, results: (summary: SummaryAccumulator) => AsyncGenerator<ChunkResult>): CsvRun {
  const d = job.output.delimiter;
  const header = Buffer.from(`${outputColumnNames(job).map((name) => csvField(name, d)).join(d)}\n`);
  const summary = new SummaryAccumulator(summedColumnNames(job), modelFacts(job));
  const release = (result: ChunkResult): void => buffers.give(result.output.buffer);
  return { job, header, summary, release, results: results(summary) };
}

async function* results(
  engine: Engine, job: JobSpec, next: () => Promise<RecordChunk | undefined>, summary: SummaryAccumulator,
  buffers: BufferPool, signal: AbortSignal | undefined,
): AsyncGenerator<ChunkResult> {
  const taken = (result: ChunkResult): ChunkResult => {
    if (result.error !== undefined) throw BatchGradError.fromData(result.error);
    buffers.give(result.input?.buffer);
    summary.add(result);
    return result;
  };
  const first = await next();
  if (first === undefined) return;
  const second = await next();
  if (second === undefined) {
    // Loaded here, not at start-up: a run that starts the pool never computes on this thread, and these
    // modules build tables and compile the numbers module when they load.
    const { processChunk } = await import('../compute/process-chunk.js');
    yield taken(processChunk(job, { seq: 0, bytes: first.bytes, firstLine: first.firstLine }));
    return;
  }

  async function* chunks(): AsyncGenerator<RecordChunk> {
    yield first!;
    yield second!;
    for (let chunk = await next(); chunk !== undefined; chunk = await next()) yield chunk;
  }
  let seq = 0;
  const compute = (chunk: RecordChunk): Promise<ChunkResult> => {
    // Output is about twice the input for numeric data; a recycled buffer that size usually fits.
    const outputBuffer = buffers.take(2 * chunk.bytes.length);
    const task = { seq: seq++, bytes: chunk.bytes, firstLine: chunk.firstLine, outputBuffer };
    return engine.runChunk(job, task, signal);
  };
  for await (const result of orderedMap(chunks(), compute, 2 * engine.threads)) yield taken(result);
}
