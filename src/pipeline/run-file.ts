/**
 * Inputs to outputs: the function the CLI calls. It plans the parts to read (files, folders, a shard),
 * opens every output, runs each part through its format's pipeline (a CSV file by byte ranges in
 * csv-range-run.ts, a CSV stream in csv-run.ts, the columnar formats in batch-run.ts) on one
 * pool, writes each result in order through the output format's writer, waiting whenever the output is
 * full, and adds every part into one summary. A failed or interrupted run removes its temporary outputs
 * and leaves nothing that looks finished.
 */
import { open as openFile, stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { csvField } from '../compute/csv-field.js';
import type { RejectedRow } from '../compute/process-chunk.js';
import { startCsvRun } from './csv-run.js';
import { startRangeRun } from './csv-range-run.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import type { RunOptions } from './options.js';
import { abortable } from '../engine/abort.js';
import { openInput, type Input } from './input.js';
import { startBatchRun } from './batch-run.js';
import { formatWriter, type FormatWriter } from './format-writers.js';
import { inputPlan, type InputPart } from './input-parts.js';
import type { JobSpec } from '../compute/job.js';
import { encodingOf } from '../compute/formats.js';
import { commitAll, openOutput, type Output } from './output.js';
import { refuseClashingPaths } from './output-paths.js';
import { Progress } from './progress.js';
import { jobFingerprint, modelFacts, summaryJson, SummaryAccumulator, type RunSummary } from './summary.js';

export interface RunIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Where progress goes, when asked for. */
  readonly stderr: Writable;
}

const processIo = (): RunIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

/** Run one file (or several, or a shard) on an engine's pool (the engine's thread count wins over options.threads). */
export async function runFileWith(engine: Engine, options: RunOptions, io: RunIo = processIo()): Promise<RunSummary> {
  engine.assertOpen();
  await refuseClashingPaths(options.inputs, [['out', options.discardOutput === true ? undefined : options.output], ['rejects', options.rejects], ['summary', options.summary]]);
  const plan = await inputPlan(options.inputs, options.fromGiven, options.shard, options.delimiter, options.header);
  // Every output is opened (as a temporary file beside its target) before anything is computed, so a
  // folder that cannot be written fails the run at once, and none of them is in place until all are done.
  const outputs: Output[] = [];
  const open = async (path: string | undefined): Promise<Output | undefined> => {
    if (path === undefined) return undefined;
    const output = await openOutput(path, io.stdout);
    outputs.push(output);
    return output;
  };
  const totalBytes = plan.parts.every((part) => part.size !== undefined) ? plan.parts.reduce((sum, part) => sum + partBytes(part), 0) : undefined;
  const progress = new Progress(options.progress ? io.stderr : undefined, totalBytes);
  try {
    const discard = options.discardOutput === true;
    const output = discard ? undefined : (await open(options.output))!;
    const rejects = await open(options.rejects);
    const summaryOutput = await open(options.summary);
    const write = (out: Output, bytes: Uint8Array, written?: () => void): Promise<void> => abortable(out.write(bytes, written), options.signal);
    if (rejects) await write(rejects, Buffer.from(rejectsHeader(plan.parts[0]?.format)));
    let first: { job: JobSpec; label: string } | undefined;
    let writer: FormatWriter | undefined;
    let totals: SummaryAccumulator | undefined;
    let bytesDone = 0;
    for (const part of plan.parts) {
      const partOptions = {
        ...options, file: part.label, collectRejects: options.rejects !== undefined, keepInputs: options.onInputs !== undefined,
        outputEncoding: { encoding: discard ? 'none' as const : encodingOf(options.to), delimiter: options.outputDelimiter, compression: options.compression },
      };
      const csv = part.format === 'csv' || part.format === 'tsv';
      // A CSV file the workers read themselves, by byte ranges; anything else is streamed through here.
      const ranged = csv ? await startRangeRun(engine, part, partOptions) : undefined;
      const source = ranged === undefined ? await openPart(part, io.stdin) : undefined;
      try {
        const runOptions = { ...partOptions, firstLine: source?.firstLine, columns: source?.columns ?? options.columns };
        const run = ranged ?? (csv
          ? await startCsvRun(engine, source!.bytes, runOptions)
          : await startBatchRun(engine, { path: source!.path, bytes: source!.bytes, rowGroups: part.rowGroups }, part.format, runOptions));
        if (first === undefined) {
          first = { job: run.job, label: part.label };
          // A shard after the first writes no header, so that its parts concatenated are the whole output.
          const header = options.shard === undefined || options.shard.index === 1;
          writer = output === undefined ? DISCARDING : formatWriter(options.to, output, run.job, header);
          totals = new SummaryAccumulator(run.summary.columnNames, modelFacts(run.job));
        } else if (!sameJob(first.job, run.job)) {
          throw new BatchGradError('HEADER_INVALID', `${part.label}: its columns (${run.job.header.join(', ')}) differ from those of ${first.label} (${first.job.header.join(', ')})`, {
            file: part.label,
          });
        }
        for await (const result of run.results) {
          await abortable(writer!.write(result.output, () => run.release(result)), options.signal);
          if (rejects && result.rejects.length > 0) await write(rejects, rejectLines(result.rejects));
          if (result.inputs !== undefined) options.onInputs?.(run.job, result.inputs, result.written);
          bytesDone += result.inputBytes;
          progress.update(totals!.counts.read + run.summary.counts.read, bytesDone);
        }
        totals!.addAll(run.summary);
      } finally {
        await source?.close();
      }
    }
    await abortable(writer!.finish(), options.signal);
    const partFacts = {
      fingerprint: jobFingerprint(first!.job, plan.files),
      ...(options.shard === undefined ? {} : { shard: options.shard }),
    };
    const summary = totals!.result(options.inputs.join(', ') === '-' ? '<stdin>' : options.inputs.join(', '), options.output === '-' ? '<stdout>' : options.output, partFacts);
    if (summaryOutput) await write(summaryOutput, Buffer.from(summaryJson(summary)));
    await commitAll([output, rejects, summaryOutput]);
    return summary;
  } catch (error) {
    for (const output of outputs) await output.abort();
    throw error;
  } finally {
    progress.finish();
  }
}

/** Where a pass that wants only the sums writes: nowhere. */
const DISCARDING: FormatWriter = {
  write: async (_bytes, written) => written?.(),
  finish: async () => {},
};

const sameJob = (a: JobSpec, b: JobSpec): boolean => JSON.stringify([a.header, a.tape]) === JSON.stringify([b.header, b.tape]);

/** The input bytes a part stands for (for progress). */
const partBytes = (part: InputPart): number => (part.range ? part.range.end - part.range.start : part.size ?? 0);

interface PartSource extends Input {
  /** The file, for formats read by path (Parquet, an Arrow file). */
  readonly path: string | undefined;
  /** The line number of the bytes' first byte, when not 1 (a shard's header comes first, then its range). */
  readonly firstLine?: number;
  /** The column names, when the bytes do not begin with them (a JSON Lines shard after the first). */
  readonly columns?: readonly string[];
}

async function openPart(part: InputPart, stdin: Readable): Promise<PartSource> {
  const byPath = (part.format === 'parquet' || part.format === 'arrow') && part.path !== '-';
  if (byPath) return { ...(await inputFile(part.path)), path: part.path };
  if (part.range === undefined) return { ...(await openInput(part.path, stdin)), path: undefined };
  const { start, end, headerEnd } = part.range;
  const handle = await openFile(part.path, 'r');
  const head = new Uint8Array(Math.max(2, headerEnd));
  await handle.read(head, 0, head.length, 0);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    await handle.close();
    throw new BatchGradError('INVALID_OPTION', `--shard cannot cut ${part.path}: it is gzip-compressed; give it uncompressed, or as several files`, { option: 'shard', file: part.path });
  }
  const header = head.subarray(0, headerEnd);
  const range = async function* (): AsyncGenerator<Uint8Array> {
    if (end > start) yield* handle.createReadStream({ start, end: end - 1, highWaterMark: 1 << 20, autoClose: false });
  };
  const close = (): Promise<void> => handle.close().catch(() => undefined);
  if (part.format === 'jsonl') {
    // JSON Lines has no header row: the file's first object names the columns for every shard.
    const columns = start === 0 ? undefined : Object.keys(JSON.parse(Buffer.from(header).toString('utf8')) as object);
    return { name: part.label, bytes: range(), size: end - start, close, path: undefined, ...(columns === undefined ? {} : { columns }) };
  }
  if (start <= headerEnd) {
    // The first shard: the file from its start, header included, and lines counted as in the file.
    const whole = async function* (): AsyncGenerator<Uint8Array> {
      if (end > 0) yield* handle.createReadStream({ start: 0, end: end - 1, highWaterMark: 1 << 20, autoClose: false });
    };
    return { name: part.label, bytes: whole(), size: end, close, path: undefined };
  }
  // A later shard: the header record, then its range; its lines count from the range's first byte.
  const headerLines = header.reduce((lines, byte) => lines + (byte === 0x0a ? 1 : 0), 0);
  const bytes = (async function* () {
    if (header.length > 0) yield header.slice();
    yield* range();
  })();
  return { name: part.label, bytes, size: end - start, close, path: undefined, firstLine: 1 - headerLines };
}

/** A Parquet or Arrow file, read by path: only its size is needed here, for progress. */
async function inputFile(path: string): Promise<Input> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${path}: ${info === undefined ? 'no such file' : 'not a regular file'}`, { file: path });
  }
  return { name: path, bytes: (async function* () {})(), size: info.size, close: async () => {} };
}

/**
 * A rejected row is located by its line in a text input, by its row (1-based, in the file) in a Parquet or
 * Arrow input, which has no lines; its values are then the columns that were read.
 */
const rejectsHeader = (format: string | undefined): string =>
  format === 'parquet' || format === 'arrow' || format === 'arrows' ? 'row,code,reason,values\n' : 'line,code,reason,row\n';

/** Rejected rows as CSV: line (or row), code, reason, row text. */
function rejectLines(rows: readonly RejectedRow[]): Uint8Array {
  return Buffer.from(rows.map((r) => `${r.line},${r.code},${csvField(r.reason, ',')},${csvField(r.text, ',')}\n`).join(''));
}
