/**
 * Input file to output file: the function the CLI calls. It opens the input and outputs, runs the CSV
 * pipeline (engine/csv-run.ts) and writes each result in order, waiting whenever the output is full.
 * A failed or interrupted run removes its temporary outputs and leaves nothing that looks finished.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { csvField } from '../compute/csv-field.js';
import type { RejectedRow } from '../compute/process-chunk.js';
import { startCsvRun } from './csv-run.js';
import { Engine, withEngine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import { normaliseRunOptions, type RunOptions, type RunOptionsInput } from './options.js';
import { abortable } from '../engine/abort.js';
import { openInput, type Input } from './input.js';
import { startBatchRun } from './batch-run.js';
import { formatWriter } from './format-writers.js';
import { encodingOf } from '../compute/formats.js';
import { commitAll, openOutput, type Output } from './output.js';
import { Progress } from './progress.js';
import type { RunSummary } from './summary.js';

export interface RunIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Where progress goes, when asked for. */
  readonly stderr: Writable;
}

const processIo = (): RunIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

/** Run one file with a pool of its own (closed at the end). */
export async function runFile(input: RunOptionsInput, io: RunIo = processIo()): Promise<RunSummary> {
  const options = normaliseRunOptions(input);
  return withEngine(options.threads, (engine) => runFileWith(engine, options, io));
}

/** Run one file on an engine's pool (the engine's thread count wins over options.threads). */
export async function runFileWith(engine: Engine, options: RunOptions, io: RunIo = processIo()): Promise<RunSummary> {
  engine.assertOpen();
  await refuseSameFile(options);
  // Parquet and Arrow files are read at offsets by path; every other input as a stream of bytes.
  const byPath = (options.from === 'parquet' || options.from === 'arrow') && options.input !== '-';
  const source = byPath ? await inputFile(options.input) : await openInput(options.input, io.stdin);
  // Every output is opened (as a temporary file beside its target) before anything is computed, so a
  // folder that cannot be written fails the run at once, and none of them is in place until all are done.
  const outputs: Output[] = [];
  const open = async (path: string | undefined): Promise<Output | undefined> => {
    if (path === undefined) return undefined;
    const output = await openOutput(path, io.stdout);
    outputs.push(output);
    return output;
  };
  const progress = new Progress(options.progress ? io.stderr : undefined, source.size);
  try {
    const output = (await open(options.output))!;
    const rejects = await open(options.rejects);
    const summaryOutput = await open(options.summary);
    const runOptions = {
      ...options, file: source.name, collectRejects: options.rejects !== undefined,
      outputEncoding: { encoding: encodingOf(options.to), delimiter: options.outputDelimiter },
    };
    const run = options.from === 'csv' || options.from === 'tsv'
      ? await startCsvRun(engine, source.bytes, runOptions)
      : await startBatchRun(engine, { path: byPath ? options.input : undefined, bytes: source.bytes }, options.from, runOptions);
    const write = (out: Output, bytes: Uint8Array, written?: () => void): Promise<void> => abortable(out.write(bytes, written), options.signal);
    const writer = formatWriter(options.to, output, run.job, options.compression);
    if (rejects) await write(rejects, Buffer.from('line,code,reason,row\n'));
    let bytesDone = 0;
    for await (const result of run.results) {
      await abortable(writer.write(result.output, () => run.release(result)), options.signal);
      if (rejects && result.rejects.length > 0) await write(rejects, rejectLines(result.rejects));
      bytesDone += result.inputBytes;
      progress.update(run.summary.counts.read, bytesDone);
    }
    await abortable(writer.finish(), options.signal);
    const summary = run.summary.result(source.name, options.output === '-' ? '<stdout>' : options.output);
    if (summaryOutput) await write(summaryOutput, Buffer.from(`${JSON.stringify(summary, null, 2)}\n`));
    await commitAll([output, rejects, summaryOutput], [options.output, options.rejects, options.summary]);
    return summary;
  } catch (error) {
    for (const output of outputs) await output.abort();
    throw error;
  } finally {
    progress.finish();
    await source.close();
  }
}

/** A Parquet or Arrow file, read by path: only its size is needed here, for progress. */
async function inputFile(path: string): Promise<Input> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${path}: ${info === undefined ? 'no such file' : 'not a regular file'}`, { file: path });
  }
  return { name: path, bytes: (async function* () {})(), size: info.size, close: async () => {} };
}

/** Rejected rows as CSV: line, code, reason, row text. */
function rejectLines(rows: readonly RejectedRow[]): Uint8Array {
  return Buffer.from(rows.map((r) => `${r.line},${r.code},${csvField(r.reason, ',')},${csvField(r.text, ',')}\n`).join(''));
}

/** Writing over the input while reading it would destroy it. */
async function refuseSameFile(options: RunOptions): Promise<void> {
  if (options.input === '-') return;
  const real = async (path: string): Promise<string> => realpath(path).catch(() => resolve(path));
  const input = await real(options.input);
  for (const [option, path] of [['out', options.output], ['rejects', options.rejects], ['summary', options.summary]] as const) {
    if (path !== undefined && path !== '-' && (await real(path)) === input) {
      throw new BatchGradError('SAME_INPUT_OUTPUT', `--${option} ${path} is the input file; choose another path`, { option, file: path });
    }
  }
}
