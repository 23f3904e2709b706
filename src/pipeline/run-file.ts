/**
 * The coordinator: input file to output file, through the worker pool. The CLI is a thin shell over this.
 *
 * Its thread only cuts the input into record-aligned chunks, hands them to the pool, and writes results
 * back strictly in input order; parsing, the tape and formatting run on the workers. At most
 * `2 x threads` chunks are in flight, and each result is written (honouring the output's backpressure)
 * before another chunk is read, so memory stays flat whatever the input size.
 */
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Piscina } from 'piscina';
import { csvField } from '../compute/csv-field.js';
import { outputColumnNames, summedColumnNames, type JobSpec } from '../compute/job.js';
import { processChunk, type ChunkResult } from '../compute/process-chunk.js';
import { resolveJob } from '../compute/resolve-job.js';
import { BatchGradError } from '../errors.js';
import { normaliseRunOptions, type RunOptions, type RunOptionsInput } from '../options.js';
import { RecordChunker, type RecordChunk } from './chunker.js';
import { parseHeader } from './header.js';
import { openInput } from './input.js';
import type { WorkerRequest } from './messages.js';
import { openOutput, type Output } from './output.js';
import { createPool } from './pool.js';
import { Progress } from './progress.js';
import { SummaryAccumulator, type RunSummary } from './summary.js';

/** A record this long almost always means an unterminated quote swallowing the rest of the file. */
export const MAX_RECORD_BYTES = 64 << 20;

export interface RunIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Where progress goes, when asked for. */
  readonly stderr: Writable;
}

const processIo = (): RunIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

export async function runFile(input: RunOptionsInput, io: RunIo = processIo()): Promise<RunSummary> {
  const options = normaliseRunOptions(input);
  await refuseSameFile(options);
  const source = await openInput(options.input, io.stdin);
  try {
    const chunker = new RecordChunker(source.bytes, { file: source.name, maxRecordBytes: MAX_RECORD_BYTES });
    const headerChunk = await abortable(chunker.next(1), options.signal);
    if (headerChunk === undefined) {
      throw new BatchGradError('HEADER_INVALID', `${source.name}: the input is empty; it needs at least a header row`, { file: source.name });
    }
    const header = parseHeader(headerChunk.bytes, options.delimiter, source.name);
    const job = resolveJob(header, {
      expr: options.expr, keep: options.keep, delimiter: options.delimiter, onError: options.onError,
      file: source.name, collectRejects: options.rejects !== undefined,
    });
    const progress = new Progress(options.progress ? io.stderr : undefined, source.size);
    const outputs = await openOutputs(options, io);
    try {
      const summary = await writeResults(job, chunker, outputs, options, progress);
      await outputs.output.commit();
      await outputs.rejects?.commit();
      const result = summary.result(source.name, options.output === '-' ? '<stdout>' : options.output);
      if (options.summary !== undefined) await writeJson(options.summary, result, io.stdout);
      return result;
    } catch (error) {
      await outputs.output.abort();
      await outputs.rejects?.abort();
      throw error;
    } finally {
      progress.finish();
    }
  } finally {
    await source.close();
  }
}

interface Outputs {
  readonly output: Output;
  readonly rejects: Output | undefined;
}

async function openOutputs(options: RunOptions, io: RunIo): Promise<Outputs> {
  const output = await openOutput(options.output, io.stdout);
  try {
    const rejects = options.rejects === undefined ? undefined : await openOutput(options.rejects, io.stdout);
    return { output, rejects };
  } catch (error) {
    await output.abort();
    throw error;
  }
}

/** Read chunks, compute them (inline or on the pool), and write every result in order. */
async function writeResults(
  job: JobSpec, chunker: RecordChunker, outputs: Outputs, options: RunOptions, progress: Progress,
): Promise<SummaryAccumulator> {
  const summary = new SummaryAccumulator(summedColumnNames(job));
  const d = job.delimiter;
  await outputs.output.write(Buffer.from(`${outputColumnNames(job).map((name) => csvField(name, d)).join(d)}\n`));
  await outputs.rejects?.write(Buffer.from('line,code,reason,row\n'));
  let bytesDone = 0;

  const consume = async (result: ChunkResult, chunkBytes: number): Promise<void> => {
    if (result.error !== undefined) throw BatchGradError.fromData(result.error);
    await abortable(outputs.output.write(result.output), options.signal);
    if (outputs.rejects !== undefined && result.rejects.length > 0) {
      const lines = result.rejects.map((r) => [String(r.line), r.code, csvField(r.reason, ','), csvField(r.text, ',')].join(','));
      await abortable(outputs.rejects.write(Buffer.from(`${lines.join('\n')}\n`)), options.signal);
    }
    summary.add(result);
    bytesDone += chunkBytes;
    progress.update(summary.counts.read, bytesDone);
  };

  const next = (): Promise<RecordChunk | undefined> => abortable(chunker.next(options.batchSize), options.signal);
  const first = await next();
  if (first === undefined) return summary;
  const second = await next();
  if (second === undefined) {
    // The whole input is one chunk: computing it here is faster than starting threads.
    await consume(processChunk(job, { seq: 0, bytes: first.bytes, firstLine: first.firstLine }), first.bytes.length);
    return summary;
  }

  const pool = createPool(options.threads);
  try {
    const inFlight: Array<{ result: Promise<ChunkResult>; bytes: number }> = [];
    let seq = 0;
    const submit = (chunk: RecordChunk): void => {
      const request: WorkerRequest = { job, task: { seq: seq++, bytes: chunk.bytes, firstLine: chunk.firstLine } };
      const bytes = chunk.bytes.length;
      const result = runOnPool(pool, request, options.signal);
      // Failures are handled in order when this result's turn comes; until then, do not report them.
      result.catch(() => undefined);
      inFlight.push({ result, bytes });
    };
    const writeOldest = async (): Promise<void> => {
      const oldest = inFlight.shift()!;
      await consume(await abortable(oldest.result, options.signal), oldest.bytes);
    };

    submit(first);
    submit(second);
    const maxInFlight = 2 * options.threads;
    for (;;) {
      while (inFlight.length >= maxInFlight) await writeOldest();
      const chunk = await next();
      if (chunk === undefined) break;
      submit(chunk);
    }
    while (inFlight.length > 0) await writeOldest();
    return summary;
  } finally {
    await pool.destroy();
  }
}

async function runOnPool(pool: Piscina, request: WorkerRequest, signal: AbortSignal | undefined): Promise<ChunkResult> {
  try {
    return (await pool.run(request, { transferList: [request.task.bytes.buffer as ArrayBuffer], ...(signal ? { signal } : {}) })) as ChunkResult;
  } catch (error) {
    if (signal?.aborted) throw interrupted(signal);
    const message = error instanceof Error ? error.message : String(error);
    throw new BatchGradError('WORKER_FAILED', `a worker thread failed on rows from line ${request.task.firstLine}: ${message}`, {
      line: request.task.firstLine,
    });
  }
}

function interrupted(signal: AbortSignal): BatchGradError {
  const reason: unknown = signal.reason;
  return reason instanceof BatchGradError ? reason : new BatchGradError('INTERRUPTED', 'the run was interrupted');
}

/**
 * `promise`, or a rejection with INTERRUPTED as soon as `signal` aborts: a run blocked on a slow stdin or a
 * stalled output must still stop promptly and clean up when the user presses Ctrl-C.
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(interrupted(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(interrupted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Writing over the input while reading it would destroy it. */
async function refuseSameFile(options: RunOptions): Promise<void> {
  if (options.input === '-' || options.output === '-') return;
  const real = async (path: string): Promise<string> => realpath(path).catch(() => resolve(path));
  const input = await real(options.input);
  for (const [option, path] of [['out', options.output], ['rejects', options.rejects], ['summary', options.summary]] as const) {
    if (path !== undefined && (await real(path)) === input) {
      throw new BatchGradError('SAME_INPUT_OUTPUT', `--${option} ${path} is the input file; choose another path`, { option, file: path });
    }
  }
}

/** The summary goes through the same Output as the results: atomic for a file, in place for a device. */
async function writeJson(path: string, value: unknown, stdout: Writable): Promise<void> {
  const output = await openOutput(path, stdout);
  try {
    await output.write(Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
    await output.commit();
  } catch (error) {
    await output.abort();
    throw error;
  }
}
