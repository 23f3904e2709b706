/**
 * One chunk of CSV rows in, formatted output rows and partial sums out. Pure: no files, no threads; the
 * worker runs it on its thread, and the coordinator runs it inline for inputs that fit in one chunk.
 *
 * Parse (the plain scanner when the chunk has no quotes, else csv-parse), then for the whole chunk at
 * once: run the tape, format each row's output line, and add every value into exact sums.
 */
import { isUtf8 } from 'node:buffer';
import type { LabelDomain } from '../../core/loss.js';
import { BatchGradError } from '../../errors.js';
import { encodeOutput } from '../encode-output.js';
import type { JobSpec } from '../job/job.js';
import { isLabelIn, takeCollectedLabels } from '../job/labels.js';
import { outputColumns, runModel } from '../job/model-tape.js';
import { taskSums } from '../job/task-sums.js';
import { failedResult, type RejectedRow, sharedColumn, type TaskResult } from '../task-result.js';
import { fieldStart, recordText } from './csv-field.js';
import { LineLocator } from './line-locator.js';
import { parseGeneral } from './parse-general.js';
import { isPlainChunk, parsePlain } from './parse-plain.js';
import type { ParsedChunk, RowProblem } from './parsed-chunk.js';

export interface ChunkTask {
  /** Position of the chunk in the input, from 0: results are written in this order. */
  readonly seq: number;
  /** Whole records, cut by the chunker at record boundaries. */
  readonly bytes: Uint8Array;
  /** The physical line of the chunk's first byte. */
  readonly firstLine: number;
  /** A recycled buffer to write the output into, if large enough. */
  readonly outputBuffer?: ArrayBuffer;
}

/** Which parser to use: `auto` in production; tests force `csv-parse` to compare the two. */
export type ParserChoice = 'auto' | 'csv-parse';

export function processChunk(job: JobSpec, task: ChunkTask, parser: ParserChoice = 'auto'): TaskResult {
  const { bytes } = task;
  // csv-parse would silently turn invalid UTF-8 into U+FFFD; such rows are rejected instead, by position.
  const invalidUtf8 = isUtf8(bytes) ? [] : invalidUtf8Offsets(bytes);
  let parsed =
    // The plain parser reads numbers only: a class label's text needs the general one.
    parser === 'auto' && job.label?.domain !== 'class' && isPlainChunk(bytes, invalidUtf8)
      ? parsePlain(job, bytes)
      : parseGeneral(job, bytes, invalidUtf8);
  // The plain parser reads numbers only; a label outside its loss's domain makes the chunk go through the
  // general parser, which checks labels and locates the bad row like any other.
  if (
    job.label !== undefined &&
    parsed.syntaxError === undefined &&
    hasBadLabel(job.label.domain, parsed.columns[job.label.position]!, parsed.rows)
  ) {
    parsed = parseGeneral(job, bytes, invalidUtf8);
  }
  const lines = new LineLocator(bytes, task.firstLine);

  if (parsed.syntaxError !== undefined) {
    // A broken quote: the record boundaries after it cannot be trusted, so even --on-error skip stops.
    const line = lines.lineAt(parsed.syntaxError.at);
    return failure(
      task,
      new BatchGradError('CSV_SYNTAX', `${job.file}:${line}: ${parsed.syntaxError.message}`, { file: job.file, line }),
    );
  }
  const rejects: RejectedRow[] = [];
  for (const problem of parsed.problems) {
    // The record's line first: LineLocator is linear only while offsets increase.
    const recordLine = lines.lineAt(problem.start);
    const error = locate(job, problem, bytes, lines);
    if (job.onError === 'fail') return failure(task, error);
    if (job.collectRejects) {
      rejects.push({
        line: recordLine,
        code: problem.code,
        reason: error.message,
        text: recordText(bytes, problem.start, problem.end),
      });
    }
  }

  const rows = parsed.rows;
  const result = runModel(job.tape, parsed.columns, rows);
  const columns = outputColumns(result, job.gradientOrder);
  return {
    seq: task.seq,
    inputBytes: bytes.length,
    output: formatRows(job, parsed, columns, task.outputBuffer),
    read: parsed.read,
    written: rows,
    rejected: parsed.problems.length,
    rejects,
    // Copied before the sums: the plain parser's columns are views of memory the curvature's sums reuse.
    ...(job.keepInputs === true ? { inputs: parsed.columns.map((column) => sharedColumn(column, rows)) } : {}),
    sums: taskSums(job.tape, columns, parsed.columns, rows),
    ...(job.label?.collect === true ? { labels: takeCollectedLabels() } : {}),
  };
}

function hasBadLabel(domain: LabelDomain, labels: Float64Array, rows: number): boolean {
  for (let i = 0; i < rows; i++) if (!isLabelIn(domain, labels[i]!)) return true;
  return false;
}

function failure(task: ChunkTask, error: BatchGradError): TaskResult {
  return failedResult(task.seq, task.bytes.length, error);
}

/** The problem as an error naming file, physical line, column and value. */
function locate(job: JobSpec, problem: RowProblem, bytes: Uint8Array, lines: LineLocator): BatchGradError {
  const { column } = problem;
  const line =
    column === undefined
      ? lines.lineAt(problem.start)
      : lines.lineAt(fieldStart(bytes, problem.start, problem.end, column, job.delimiter.charCodeAt(0)));
  const where = column === undefined ? '' : `, column ${column + 1} (${job.header[column]})`;
  const value = problem.value === undefined ? '' : `: ${JSON.stringify(problem.value)}`;
  return new BatchGradError(problem.code, `${job.file}:${line}${where}: ${problem.reason}${value}`, {
    file: job.file,
    line,
    ...(column === undefined ? {} : { column: column + 1, field: job.header[column]!, value: problem.value! }),
  });
}

function formatRows(
  job: JobSpec,
  parsed: ParsedChunk,
  columns: Float64Array[],
  reuse: ArrayBuffer | undefined,
): Uint8Array {
  return encodeOutput(job, { rows: parsed.rows, kept: parsed.kept, columns }, reuse);
}

/** Offsets of the bytes where UTF-8 decoding fails (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function invalidUtf8Offsets(bytes: Uint8Array): number[] {
  const bad: number[] = [];
  const inRange = (i: number, lo: number, hi: number): boolean =>
    i < bytes.length && bytes[i]! >= lo && bytes[i]! <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length = 0;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = inRange(i + 1, 0x80, 0xbf) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) {
      const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      length = inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf) ? 3 : 0;
    } else if (b >= 0xf0 && b <= 0xf4) {
      const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      length = inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf) ? 4 : 0;
    }
    if (length === 0) {
      bad.push(i);
      length = 1;
    }
    i += length;
  }
  return bad;
}
