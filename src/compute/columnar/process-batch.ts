/**
 * One batch of a JSON Lines, Arrow or Parquet input in, output bytes and partial sums out: the columnar
 * counterpart of processChunk, run by the workers. Decode (and validate) into float64 columns, run the
 * tape, encode the output, add every output value into exact sums.
 */
import { BatchGradError } from '../../errors.js';
import { encodeOutput } from '../encode-output.js';
import type { JobSpec } from '../job/job.js';
import { takeCollectedLabels } from '../job/labels.js';
import { outputColumns, runModel } from '../job/model-tape.js';
import { taskSums } from '../job/task-sums.js';
import { failedResult, type RejectedRow, sharedColumn, type TaskResult } from '../task-result.js';
import { decodeArrowTable } from './decode-arrow.js';
import { decodeJsonLines } from './decode-jsonl.js';
import type { DecodedBatch } from './decoded-batch.js';
import { arrow } from './libraries.js';
import { readRowGroup } from './parquet-source.js';

export type BatchSource =
  /** Whole lines of JSON; `firstLine` is the line of its first byte. */
  | { readonly kind: 'jsonl'; readonly bytes: Uint8Array; readonly firstLine: number }
  /** One Arrow IPC stream holding the batch; `firstRow` is its first row's number in the input (1-based). */
  | { readonly kind: 'arrow'; readonly ipc: Uint8Array; readonly firstRow: number }
  /** A row group the worker reads from the file itself. */
  | { readonly kind: 'parquet'; readonly path: string; readonly rowGroup: number; readonly firstRow: number };

export interface BatchTask {
  /** Position of the batch in the input, from 0: results are written in this order. */
  readonly seq: number;
  readonly source: BatchSource;
  /** Input bytes the batch stands for (for progress). */
  readonly inputBytes: number;
  /** A recycled buffer to write the output into, if large enough. */
  readonly outputBuffer?: ArrayBuffer;
}

/** The header columns a worker must read: the model inputs and the kept columns. */
const neededColumns = (job: JobSpec): string[] =>
  [...new Set([...job.inputColumns, ...job.keepColumns])].map((c) => job.header[c]!);

async function decode(job: JobSpec, source: BatchSource): Promise<DecodedBatch> {
  switch (source.kind) {
    case 'jsonl':
      return decodeJsonLines(job, source.bytes, source.firstLine);
    case 'arrow':
      return decodeArrowTable(job, arrow().tableFromIPC(source.ipc), { firstRow: source.firstRow });
    case 'parquet': {
      const table = await readRowGroup(source.path, source.rowGroup, neededColumns(job));
      return decodeArrowTable(job, table, { firstRow: source.firstRow, rowGroup: source.rowGroup });
    }
  }
}

export async function processBatch(job: JobSpec, task: BatchTask): Promise<TaskResult> {
  const failed = (error: unknown): TaskResult =>
    failedResult(
      task.seq,
      task.inputBytes,
      error instanceof BatchGradError ? error : new BatchGradError('WORKER_FAILED', String(error)),
    );
  let batch: DecodedBatch;
  try {
    batch = await decode(job, task.source);
  } catch (error) {
    return failed(error);
  }
  const first = batch.problems[0];
  if (first !== undefined && job.onError === 'fail') return failed(BatchGradError.fromData(first.error));
  const rejects: RejectedRow[] = job.collectRejects
    ? batch.problems.map((p) => ({ line: p.line, code: p.error.code, reason: p.error.message, text: p.text }))
    : [];
  const result = runModel(job.tape, batch.columns, batch.rows);
  const columns = outputColumns(result, job.gradientOrder);
  return {
    seq: task.seq,
    inputBytes: task.inputBytes,
    output: encodeOutput(
      job,
      { rows: batch.rows, kept: batch.kept, keptTypes: batch.keptTypes, keptData: batch.keptData, columns },
      task.outputBuffer,
    ),
    read: batch.read,
    written: batch.rows,
    rejected: batch.problems.length,
    rejects,
    sums: taskSums(job.tape, columns, batch.columns, batch.rows),
    ...(job.label?.collect === true ? { labels: takeCollectedLabels() } : {}),
    ...(job.keepInputs === true ? { inputs: batch.columns.map((column) => sharedColumn(column, batch.rows)) } : {}),
  };
}
