/**
 * A CSV file (or a shard of one) on the pool without the calling thread touching its rows: the file is cut
 * into nominal byte ranges, each worker reads its own range with positioned reads and cuts it at records
 * (compute/process-range.ts), and the calling thread only posts ranges, checks each result's quote parity
 * in order, makes its lines absolute and hands its output on: O(1) work a range, not a row.
 *
 * The parity at a range's start is known for the first range only; the others are guessed by the worker
 * from their own bytes. Results come back in order, so the true parity is carried from range to range
 * (each result says how many quotes, modulo 2, its nominal range held); a result that assumed the other
 * parity was cut in the wrong place and is computed again with the true one, never used. Every range's
 * records are then exactly those a single pass would have cut there, so the output and sums are the same
 * bits as the stream path's (csv-run.ts), which stdin, pipes, gzip and small files keep.
 */
import { open } from 'node:fs/promises';
import type { JobSpec } from '../compute/job.js';
import type { ChunkResult } from '../compute/process-chunk.js';
import { locatedFrom, type RangeResult, type RangeTask } from '../compute/process-range.js';
import { hasQuote, lineFeeds, type Parity } from '../compute/record-boundary.js';
import { abortable } from '../engine/abort.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import type { BufferPool } from './buffer-pool.js';
import { RecordChunker } from './chunker.js';
import { csvRunOf, MAX_RECORD_BYTES, runBuffers, runJob, type CsvRun, type CsvRunOptions } from './csv-run.js';
import type { InputPart } from './input-parts.js';
import type { RunOptions } from './options.js';
import { orderedMap } from './ordered-map.js';
import { parseHeader } from '../compute/parse-header.js';
import type { SummaryAccumulator } from './summary.js';

/** Bytes read after the header to estimate the bytes a row, which turns a --batch-size into a range's bytes. */
const SAMPLE_BYTES = 1 << 16;

/** Where a file's records are, and how the run is to cut them. */
interface Layout {
  readonly header: readonly string[];
  /** The first record's offset (after a byte order mark and the header), and the line it is on. */
  readonly base: number;
  readonly firstLine: number;
  /** The end of the records: the file's size, or a shard's end. */
  readonly limit: number;
  /** The nominal bytes of a range. */
  readonly rangeBytes: number;
}

/**
 * The run, or undefined when the part is better read as a stream: stdin, something not a regular file,
 * gzip, or records that fit in one range (computed on this thread, cheaper than starting threads).
 */
export async function startRangeRun(engine: Engine, part: InputPart, options: CsvRunOptions & Pick<RunOptions, 'rangeBytes'>): Promise<CsvRun | undefined> {
  engine.assertOpen();
  if (part.path === '-' || part.size === undefined) return undefined;
  const layout = await layoutOf(part, options);
  if (layout === undefined) return undefined;
  const job = runJob(layout.header, options);
  const buffers = runBuffers(engine.threads);
  return csvRunOf(job, buffers, (summary) => results(engine, job, part.path, layout, options, buffers, summary));
}

async function layoutOf(part: InputPart, options: CsvRunOptions & Pick<RunOptions, 'rangeBytes'>): Promise<Layout | undefined> {
  const handle = await open(part.path, 'r').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    const start = new Uint8Array(3);
    const { bytesRead } = await handle.read(start, 0, 3, 0);
    if (bytesRead >= 2 && start[0] === 0x1f && start[1] === 0x8b) return undefined;
    const bom = bytesRead === 3 && start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf ? 3 : 0;
    const headerEnd = part.range?.headerEnd;
    let header = options.columns;
    let base = bom;
    let headerLines = 0;
    if (header === undefined) {
      // The header record, read as the stream path reads it (the same errors for the same faults).
      const end = headerEnd ?? info.size;
      const blocks = async function* (): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < end;) {
          const block = new Uint8Array(Math.min(SAMPLE_BYTES, end - at));
          const { bytesRead: got } = await handle.read(block, 0, block.length, at);
          if (got === 0) return;
          yield block.subarray(0, got);
          at += got;
        }
      };
      const chunk = await new RecordChunker(blocks(), { file: part.label, maxRecordBytes: MAX_RECORD_BYTES }).next(1);
      if (chunk === undefined) return undefined;
      header = parseHeader(chunk.bytes, options.delimiter, part.label);
      base = bom + chunk.bytes.length;
      headerLines = lineFeeds(chunk.bytes, 0, chunk.bytes.length);
    }
    // A later shard's records start at its range, and count their lines from its first byte.
    const shardStart = part.range !== undefined && part.range.start > base ? part.range.start : undefined;
    const firstLine = shardStart === undefined ? (options.firstLine ?? 1) + headerLines : 1;
    if (shardStart !== undefined) base = shardStart;
    const limit = part.range?.end ?? info.size;
    const sample = new Uint8Array(Math.min(SAMPLE_BYTES, Math.max(0, limit - base)));
    const { bytesRead: sampled } = await handle.read(sample, 0, sample.length, base);
    const rowBytes = sampled / Math.max(1, lineFeeds(sample, 0, sampled));
    const rangeBytes = options.rangeBytes(rowBytes, hasQuote(sample.subarray(0, sampled)));
    if (limit - base <= rangeBytes) return undefined;
    return { header, base, firstLine, limit, rangeBytes };
  } finally {
    await handle.close();
  }
}

async function* results(
  engine: Engine, job: JobSpec, path: string, layout: Layout, options: CsvRunOptions, buffers: BufferPool, summary: SummaryAccumulator,
): AsyncGenerator<ChunkResult> {
  const { base, limit, rangeBytes } = layout;
  async function* ranges(): AsyncGenerator<RangeTask> {
    let seq = 0;
    for (let from = base; from < limit; from += rangeBytes) {
      const to = Math.min(limit, from + rangeBytes);
      yield { seq: seq++, path, from, to, base, limit, maxRecordBytes: MAX_RECORD_BYTES, ...(from === base ? { parity: 0 as const } : {}) };
    }
  }
  // Output is about twice the input for numeric data; a recycled buffer that size usually fits.
  const run = (task: RangeTask): Promise<RangeResult> => engine.runRange(job, { ...task, outputBuffer: buffers.take(2 * (task.to - task.from)) }, options.signal);
  const settled = (task: RangeTask): Promise<{ task: RangeTask; result?: RangeResult; error?: unknown }> =>
    run(task).then((result) => ({ task, result }), (error: unknown) => ({ task, error }));

  let parity: Parity = 0;
  let line = layout.firstLine;
  for await (const done of orderedMap(ranges(), settled, 2 * engine.threads)) {
    if (done.error !== undefined) throw failedAt(done.error, line);
    let result = done.result!;
    if (result.parity !== parity) {
      // Cut where the true parity would not cut: computed again, with the parity now known.
      buffers.give(result.output.buffer);
      result = await abortable(run({ ...done.task, parity }), options.signal).catch((error: unknown) => {
        throw failedAt(error, line);
      });
    }
    parity = (parity ^ result.quotes) as Parity;
    const located = locatedFrom(result, options.file, line);
    line += result.lines;
    if (located.error !== undefined) throw BatchGradError.fromData(located.error);
    summary.add(located);
    yield located;
  }
}

/** A thread that failed on a range, named by the line its records start on (known only now, in order). */
function failedAt(error: unknown, line: number): unknown {
  if (!(error instanceof BatchGradError) || error.code !== 'WORKER_FAILED') return error;
  const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
  return new BatchGradError('WORKER_FAILED', `a worker thread failed on rows from line ${line}: ${cause}`, { line }, { cause: error.cause });
}
