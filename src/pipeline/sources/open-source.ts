/**
 * The one place an input part becomes a source: its file is opened and sniffed once (io/input.ts), and
 * what that taught (the format, gzip, a byte order mark, the header, the size) decides the source and is
 * handed to it. A CSV file is read by byte ranges when it holds more than one range's worth of records,
 * else streamed from the same handle, its header already read; stdin, pipes and gzip are streamed.
 */
import type { Readable } from 'node:stream';
import { jsonLinesHeader } from '../../compute/columnar/jsonl-lines.js';
import { headerOf } from '../../compute/csv/parse-header.js';
import { lineFeeds, MAX_RECORD_BYTES } from '../../compute/csv/record-boundary.js';
import { RecordChunker } from '../../compute/csv/record-chunker.js';
import { encodingOf } from '../../compute/formats.js';
import type { TaskResult } from '../../compute/task-result.js';
import type { Engine } from '../../engine/engine.js';
import { BatchGradError } from '../../errors.js';
import { type OpenedInput, openInput } from '../io/input.js';
import { parquetFooter } from '../io/parquet-footer.js';
import type { RunPlan } from '../run-plan.js';
import type { InputPart } from '../shards/input-parts.js';
import { batchSizeFor, rangeBytesFor, taskBytesFor } from '../sizing.js';
import type { Source } from '../source.js';
import { arrowInput } from './arrow.js';
import { csvRanges } from './csv-ranges.js';
import { csvStream } from './csv-stream.js';
import { jsonLines } from './jsonl.js';
import { parquetRowGroups } from './parquet.js';

/** Bytes read after the header to estimate the bytes a row, which turns a --batch-size into a range's bytes. */
const SAMPLE_BYTES = 1 << 16;

export type PartSource = Source<unknown, unknown, TaskResult>;

export async function openSource(engine: Engine, part: InputPart, plan: RunPlan, stdin: Readable): Promise<PartSource> {
  if (part.format === 'parquet' && part.path === '-') {
    throw new BatchGradError(
      'INVALID_OPTION',
      'Parquet cannot be read from stdin: its index is at the end of the file; give the file',
      { option: 'from' },
    );
  }
  const input = await openInput(part.path, stdin);
  try {
    const source = await sourceOf(engine, input, part, plan);
    return source as PartSource;
  } catch (error) {
    await input.close();
    throw error;
  }
}

async function sourceOf(
  engine: Engine,
  input: OpenedInput,
  part: InputPart,
  plan: RunPlan,
): Promise<Source<unknown, unknown, TaskResult>> {
  const { signal } = plan;
  const close = (): Promise<void> => input.close();
  const taskBytes = taskBytesFor(encodingOf(plan.to));
  const batchSize = batchSizeFor(plan.batchSize, plan.to);
  const range = part.range;
  if (range !== undefined && input.gzip) {
    throw new BatchGradError(
      'INVALID_OPTION',
      `--shard cannot cut ${part.path}: it is gzip-compressed; give it uncompressed, or as several files`,
      { option: 'shard', file: part.path },
    );
  }
  const byPath = part.format === 'parquet' || (part.format === 'arrow' && part.path !== '-');
  if (byPath && input.size === undefined) {
    throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${part.path}: not a regular file`, { file: part.path });
  }
  switch (part.format) {
    case 'parquet': {
      const footer = part.rowGroups?.footer ?? (await parquetFooter(input.handle!, part.label));
      return { ...parquetRowGroups(engine, part.path, footer, part.rowGroups, signal), close };
    }
    case 'arrow':
    case 'arrows': {
      const fileFormat = part.format === 'arrow';
      const source = await arrowInput(engine, fileFormat ? input.handle! : input.bytes(), fileFormat, {
        file: part.label,
        batchSize,
        signal,
      });
      return { ...source, close };
    }
    case 'jsonl': {
      const options = { file: part.label, batchSize, taskBytes, signal, close, header: plan.columns };
      if (range === undefined) return jsonLines(engine, input.bytes(), options);
      // JSON Lines has no header row: the file's first object names the columns for every shard.
      const header = range.start === 0 ? plan.columns : jsonLinesHeader(await input.bytesAt(0, range.headerEnd));
      return jsonLines(engine, input.range(range.start, range.end), { ...options, header });
    }
    case 'csv':
    case 'tsv':
      return csvSource(engine, input, part, plan, { batchSize, taskBytes });
  }
}

async function csvSource(
  engine: Engine,
  input: OpenedInput,
  part: InputPart,
  plan: RunPlan,
  sizes: { readonly batchSize: number; readonly taskBytes: number },
): Promise<Source<unknown, unknown, TaskResult>> {
  const { signal, delimiter } = plan;
  const close = (): Promise<void> => input.close();
  const stream = { file: part.label, delimiter, ...sizes, signal, close };
  if (input.size === undefined || input.gzip)
    return csvStream(engine, input.bytes(), { ...stream, header: plan.columns });

  // A regular file: its header record read once, as a stream would read it (the same errors for the same faults).
  const size = input.size;
  const range = part.range;
  let header = plan.columns;
  let base = input.bom;
  let headerLines = 0;
  if (header === undefined) {
    const end = range?.headerEnd ?? size;
    const first = await new RecordChunker(sniffedThen(input, end), {
      file: part.label,
      maxRecordBytes: MAX_RECORD_BYTES,
    }).next(1);
    header = headerOf(first, delimiter, part.label);
    base = input.bom + first!.bytes.length;
    headerLines = lineFeeds(first!.bytes, 0, first!.bytes.length);
  }
  // A later shard's records start at its range, and count their lines from its first byte.
  const shardStart = range !== undefined && range.start > base ? range.start : undefined;
  const firstLine = shardStart === undefined ? 1 + headerLines : 1;
  if (shardStart !== undefined) base = shardStart;
  const limit = range?.end ?? size;
  const sample = await input.bytesAt(base, Math.min(limit, base + SAMPLE_BYTES));
  const rowBytes = sample.length / Math.max(1, lineFeeds(sample, 0, sample.length));
  const rangeBytes = rangeBytesFor(plan.batchSize, plan.to, rowBytes, plan.discardOutput !== true);
  if (limit - base > rangeBytes) {
    return csvRanges(
      engine,
      { path: part.path, file: part.label, header, base, firstLine, limit, rangeBytes },
      signal,
      close,
    );
  }
  // Records that fit in one range: streamed from the same handle (and computed on this thread when they
  // fit in one task).
  return csvStream(engine, input.range(base, limit), { ...stream, header, firstLine });
}

/** A regular file's bytes up to `end`: the sniffed first bytes, then the rest only if the reader goes on. */
async function* sniffedThen(input: OpenedInput, end: number): AsyncGenerator<Uint8Array> {
  const head = input.head.subarray(0, end);
  if (head.length > 0) yield head;
  if (end > head.length) yield* input.range(head.length, end);
}
