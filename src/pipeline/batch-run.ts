/**
 * JSON Lines, Arrow and Parquet inputs in, output batches out, in order: the counterpart of csv-run for the
 * inputs that are not CSV. The calling thread reads only what says where the batches are (a Parquet file's
 * footer, an Arrow stream's batches, whole lines of JSON) and hands each batch to the pool; the workers
 * decode, compute and encode. Parquet row groups are read by the workers themselves, from the file.
 */
import { open } from 'node:fs/promises';
import type { RecordBatch, Table as ArrowTable } from 'apache-arrow';
import { arrow, userArrow } from '../compute/columnar/libraries.js';
import type { Format } from '../compute/formats.js';
import { summedColumnNames, type JobSpec } from '../compute/job.js';
import type { BatchSource, BatchTask } from '../compute/process-batch.js';
import type { ChunkResult } from '../compute/process-chunk.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import { runJob, type CsvRun, type CsvRunOptions } from './csv-run.js';
import { batchBytesFor } from './options.js';
import { orderedMap } from './ordered-map.js';
import { parquetFooter } from './parquet-footer.js';
import { modelFacts, SummaryAccumulator } from './summary.js';

/** A JSON Lines batch ends at the first line end past this many bytes (or after --batch-size lines). */
const JSONL_BATCH_BYTES = 1 << 20;

interface Batches {
  readonly header: readonly string[];
  /** Each batch's source and the input bytes it stands for. */
  readonly sources: AsyncIterable<{ source: BatchSource; inputBytes: number }>;
}

export async function startBatchRun(
  engine: Engine, input: { path: string | undefined; bytes: AsyncIterable<Uint8Array>; rowGroups?: { from: number; to: number } | undefined },
  format: Exclude<Format, 'csv' | 'tsv'>, options: CsvRunOptions,
): Promise<CsvRun> {
  await engine.start();
  const batches = format === 'jsonl' ? await jsonLines(input.bytes, options)
    : format === 'parquet' ? await parquetRowGroups(input.path, input.rowGroups)
    : await arrowBatches(input, format === 'arrow', options);
  return startRun(engine, batches, options);
}

/** Arrow record batches already in memory (the library's Arrow input), each sent to a worker as an IPC stream. */
export async function startRecordBatchRun(engine: Engine, header: readonly string[], batches: AsyncIterable<RecordBatch>, options: CsvRunOptions): Promise<CsvRun> {
  await engine.start();
  return startRun(engine, { header, sources: recordBatchSources(batches, options.batchSize, await userArrow()) }, options);
}

function startRun(engine: Engine, batches: Batches, options: CsvRunOptions): CsvRun {
  const job = runJob(batches.header, options);
  const summary = new SummaryAccumulator(summedColumnNames(job), modelFacts(job));
  return { job, header: new Uint8Array(0), summary, release: () => undefined, results: results(engine, job, batches, summary, options.signal) };
}

async function* results(engine: Engine, job: JobSpec, batches: Batches, summary: SummaryAccumulator, signal: AbortSignal | undefined): AsyncGenerator<ChunkResult> {
  let seq = 0;
  const tasks = (async function* (): AsyncGenerator<BatchTask> {
    for await (const { source, inputBytes } of batches.sources) yield { seq: seq++, source, inputBytes };
  })();
  for await (const result of orderedMap(tasks, (task) => engine.runBatch(job, task, signal), 2 * engine.threads)) {
    if (result.error !== undefined) throw BatchGradError.fromData(result.error);
    summary.add(result);
    yield result;
  }
}

/** Whole lines, cut after about a megabyte or `batchSize` lines; the header is the first object's keys. */
async function jsonLines(bytes: AsyncIterable<Uint8Array>, options: CsvRunOptions): Promise<Batches> {
  const batchBytes = batchBytesFor(options.outputEncoding, JSONL_BATCH_BYTES);
  const pieces = bytes[Symbol.asyncIterator]();
  let pending = new Uint8Array(0);
  let done = false;
  /** Append the next piece of input to `pending`; false at the end. */
  const more = async (): Promise<boolean> => {
    const next = await pieces.next();
    if (next.done === true) return false;
    const joined = new Uint8Array(pending.length + next.value.length);
    joined.set(pending);
    joined.set(next.value, pending.length);
    pending = joined;
    return true;
  };
  /** The next batch of whole lines and how many lines it has, or undefined at the end. */
  const cut = async (): Promise<{ bytes: Uint8Array; lines: number } | undefined> => {
    let lines = 0;
    let end = 0;
    for (;;) {
      const at = pending.indexOf(0x0a, end);
      if (at >= 0) {
        end = at + 1;
        lines++;
        if (lines >= options.batchSize || end >= batchBytes) break;
        continue;
      }
      if (!done && (done = !(await more())) === false) continue;
      if (done) {
        if (end < pending.length) {
          end = pending.length;
          lines++;
        }
        break;
      }
    }
    if (end === 0) return undefined;
    // A copy of its own: the batch's buffer moves to a worker.
    const batch = pending.slice(0, end);
    pending = pending.subarray(end);
    return { bytes: batch, lines };
  };

  const first = await cut();
  if (options.columns !== undefined) {
    return { header: options.columns, sources: jsonSources(first, cut, options.firstLine ?? 1) };
  }
  const firstText = first === undefined ? '' : Buffer.from(first.bytes).toString('utf8').split('\n').find((line) => line.trim() !== '');
  if (first === undefined || firstText === undefined) {
    throw new BatchGradError('HEADER_INVALID', `${options.file}: the input is empty; the first line's keys name the columns`, { file: options.file });
  }
  let keys: string[];
  try {
    const object = JSON.parse(firstText) as unknown;
    if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new Error('not a JSON object');
    keys = Object.keys(object);
  } catch (error) {
    throw new BatchGradError('JSON_SYNTAX', `${options.file}: the first line is not a JSON object (${(error as Error).message}); its keys name the columns`, { file: options.file, line: 1 });
  }
  return { header: keys, sources: jsonSources(first, cut, options.firstLine ?? 1) };
}

type LineBatch = { bytes: Uint8Array; lines: number } | undefined;

async function* jsonSources(first: LineBatch, cut: () => Promise<LineBatch>, firstLine: number): AsyncGenerator<{ source: BatchSource; inputBytes: number }> {
  let line = firstLine;
  for (let batch = first; batch !== undefined; batch = await cut()) {
    yield { source: { kind: 'jsonl', bytes: batch.bytes, firstLine: line }, inputBytes: batch.bytes.length };
    line += batch.lines;
  }
}

/** One batch a row group, read by the worker; the calling thread reads only the footer (without parquet-wasm). */
async function parquetRowGroups(path: string | undefined, range: { from: number; to: number } | undefined): Promise<Batches> {
  if (path === undefined) {
    throw new BatchGradError('INVALID_OPTION', 'Parquet cannot be read from stdin: its index is at the end of the file; give the file', { option: 'from' });
  }
  const { columns: header, rowGroups: groups } = await parquetFooter(path);
  return {
    header,
    sources: (async function* () {
      let firstRow = 1;
      for (const [rowGroup, group] of groups.entries()) {
        if (range === undefined || (rowGroup >= range.from && rowGroup < range.to)) {
          yield { source: { kind: 'parquet' as const, path, rowGroup, firstRow }, inputBytes: group.bytes };
        }
        firstRow += group.rows;
      }
    })(),
  };
}

/** Record batch by record batch (sliced to --batch-size rows), each sent to a worker as an IPC stream. */
async function arrowBatches(input: { path: string | undefined; bytes: AsyncIterable<Uint8Array> }, fileFormat: boolean, options: CsvRunOptions): Promise<Batches> {
  const { RecordBatchReader } = arrow();
  const handle = fileFormat && input.path !== undefined ? await open(input.path, 'r') : undefined;
  let reader;
  try {
    const opening = handle === undefined ? RecordBatchReader.from(input.bytes as AsyncIterable<Uint8Array>) : RecordBatchReader.from(handle);
    reader = await (await opening).open();
  } catch (error) {
    await handle?.close();
    throw new BatchGradError('FORMAT_INVALID', `${options.file}: not an Arrow ${fileFormat ? 'file' : 'stream'}, or damaged: ${(error as Error).message}`, { file: options.file });
  }
  const header = reader.schema.fields.map((field: { name: string }) => field.name);
  const batches = reader as AsyncIterable<RecordBatch>;
  return {
    header,
    sources: (async function* () {
      try {
        yield* recordBatchSources(batches, options.batchSize, arrow());
      } finally {
        await handle?.close();
      }
    })(),
  };
}

/** Each batch, sliced to at most `batchSize` rows, as one IPC stream for a worker, by the build that made it. */
async function* recordBatchSources(batches: AsyncIterable<RecordBatch>, batchSize: number, build: ReturnType<typeof arrow>): AsyncGenerator<{ source: BatchSource; inputBytes: number }> {
  const { Table, tableToIPC } = build;
  let firstRow = 1;
  for await (const batch of batches) {
    for (let start = 0; start < batch.numRows; start += batchSize) {
      const piece = batch.slice(start, Math.min(batch.numRows, start + batchSize));
      const ipc = tableToIPC(new Table([piece]) as ArrowTable, 'stream');
      yield { source: { kind: 'arrow', ipc, firstRow }, inputBytes: ipc.byteLength };
      firstRow += piece.numRows;
    }
  }
}
