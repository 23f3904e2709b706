/**
 * One chunk of CSV rows in, formatted output rows and partial sums out. Pure: no files, no threads; the
 * worker runs it on its thread and the coordinator runs it inline for inputs that fit in one chunk.
 *
 * Per row: read the model's input fields as numbers, or reject the row with a located reason. Then, for
 * the whole chunk at once: run the tape, format each row's output line, and add every value into exact
 * sums (see exact-sum.ts).
 */
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { BatchGradError, type BatchGradErrorData, type ErrorCode } from '../errors.js';
import { csvField } from './csv-field.js';
import { ExactSum, type ExactSumState } from './exact-sum.js';
import type { JobSpec } from './job.js';
import { fieldStart, LineLocator, recordContentStart, recordText } from './line-locator.js';
import { modelTape } from './model.js';
import { formatNumber, readNumber } from './numbers.js';

export interface ChunkTask {
  /** Position of the chunk in the input, from 0: results are written in this order. */
  readonly seq: number;
  /** Whole records, cut by the chunker at record boundaries. */
  readonly bytes: Uint8Array;
  /** The physical line of the chunk's first byte. */
  readonly firstLine: number;
}

export interface RejectedRow {
  readonly line: number;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly text: string;
}

export interface ChunkResult {
  readonly seq: number;
  /** The output lines, each ending in a newline, as UTF-8. */
  readonly output: Uint8Array;
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  /** Filled only when the job collects rejects. */
  readonly rejects: RejectedRow[];
  /** f, then the gradients in output order. */
  readonly sums: ExactSumState[];
  /** Set when the run must stop (a bad row under --on-error fail, or a broken CSV structure). */
  readonly error?: BatchGradErrorData;
}

const EMPTY = new Uint8Array(0);

export function processChunk(job: JobSpec, task: ChunkTask): ChunkResult {
  const { bytes } = task;
  const lines = new LineLocator(bytes, task.firstLine);
  const failure = (error: BatchGradError): ChunkResult => ({
    seq: task.seq, output: EMPTY, read: 0, written: 0, rejected: 0, rejects: [], sums: [], error: error.toData(),
  });

  // csv-parse would silently turn invalid UTF-8 into U+FFFD; such rows are rejected instead, by position.
  const invalidText = isUtf8(bytes) ? [] : invalidUtf8Offsets(bytes);
  let nextInvalid = 0;

  // The byte offset where each record ends, so that errors can be located by physical line.
  const ends: number[] = [];
  let records: string[][];
  try {
    records = parse(bytes, {
      delimiter: job.delimiter,
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
    }) as string[][];
  } catch (error) {
    // A broken quote: the record boundaries after it cannot be trusted, so even --on-error skip stops here.
    const { code, message, bytes_records: at } = error as { code?: string; message?: string; bytes_records?: number };
    const line = lines.lineAt(recordContentStart(bytes, at ?? 0, bytes.length));
    return failure(new BatchGradError('CSV_SYNTAX', `${job.file}:${line}: ${message ?? String(error)} (${code ?? 'CSV error'})`, {
      file: job.file, line,
    }));
  }

  const tape = modelTape(job.model);
  const inputCount = job.inputColumns.length;
  const columns = Array.from({ length: inputCount }, () => new Float64Array(records.length));
  /** Record index of each good row, in order. */
  const goodRows: number[] = [];
  const rejects: RejectedRow[] = [];
  let rejected = 0;
  const delimiterByte = job.delimiter.charCodeAt(0);

  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    let problem: { code: ErrorCode; reason: string; column?: number } | undefined;
    const recordEnd = ends[r]!;
    while (nextInvalid < invalidText.length && invalidText[nextInvalid]! < (r === 0 ? 0 : ends[r - 1]!)) nextInvalid++;
    const badByte = invalidText[nextInvalid];
    if (badByte !== undefined && badByte < recordEnd) {
      problem = { code: 'INVALID_UTF8', reason: `invalid UTF-8 (byte 0x${bytes[badByte]!.toString(16)})`, column: fieldIndexAt(bytes, r === 0 ? 0 : ends[r - 1]!, badByte, job.delimiter.charCodeAt(0)) };
    } else if (record.length !== job.header.length) {
      problem = { code: 'FIELD_COUNT', reason: `${record.length} fields, the header has ${job.header.length}` };
    } else {
      for (let k = 0; k < inputCount; k++) {
        const column = job.inputColumns[k]!;
        const reading = readNumber(record[column]!);
        if (!reading.ok) {
          problem = { code: reading.code, reason: reading.reason, column };
          break;
        }
        columns[k]![goodRows.length] = reading.value;
      }
    }
    if (problem === undefined) {
      goodRows.push(r);
      continue;
    }

    const start = recordContentStart(bytes, r === 0 ? 0 : ends[r - 1]!, ends[r]!);
    const recordLine = lines.lineAt(start);
    const line = problem.column === undefined
      ? recordLine
      : lines.lineAt(fieldStart(bytes, start, ends[r]!, problem.column, delimiterByte));
    const where = problem.column === undefined ? '' : `, column ${problem.column + 1} (${job.header[problem.column]})`;
    const value = problem.column === undefined ? undefined : record[problem.column]!;
    const message = `${job.file}:${line}${where}: ${problem.reason}${value === undefined ? '' : `: ${JSON.stringify(value)}`}`;
    if (job.onError === 'fail') {
      return failure(new BatchGradError(problem.code, message, {
        file: job.file, line, ...(problem.column === undefined ? {} : { column: problem.column + 1, field: job.header[problem.column]!, value: value! }),
      }));
    }
    rejected++;
    if (job.collectRejects) rejects.push({ line: recordLine, code: problem.code, reason: message, text: recordText(bytes, start, ends[r]!) });
  }

  const rows = goodRows.length;
  const result = tape.run(columns, rows);
  const sums = [result.value, ...job.gradientOrder.map((k) => result.gradients[k]!)].map((column) => {
    const sum = new ExactSum();
    for (let i = 0; i < rows; i++) sum.add(column[i]!);
    return sum.state();
  });

  return {
    seq: task.seq,
    output: formatRows(job, records, goodRows, result.value, job.gradientOrder.map((k) => result.gradients[k]!)),
    read: records.length,
    written: rows,
    rejected,
    rejects,
    sums,
  };
}

function formatRows(
  job: JobSpec, records: string[][], goodRows: number[], value: Float64Array, gradients: Float64Array[],
): Uint8Array {
  const d = job.delimiter;
  let text = '';
  for (let i = 0; i < goodRows.length; i++) {
    const record = records[goodRows[i]!]!;
    for (const c of job.keepColumns) text += csvField(record[c]!, d) + d;
    text += formatNumber(value[i]!);
    for (const g of gradients) text += d + formatNumber(g[i]!);
    text += '\n';
  }
  return Buffer.from(text, 'utf8');
}

/** Offsets of the bytes where UTF-8 decoding fails (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function invalidUtf8Offsets(bytes: Uint8Array): number[] {
  const bad: number[] = [];
  const inRange = (i: number, lo: number, hi: number): boolean => i < bytes.length && bytes[i]! >= lo && bytes[i]! <= hi;
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

/** The 0-based field that byte `offset` of the record starting at `start` falls in. */
function fieldIndexAt(bytes: Uint8Array, start: number, offset: number, delimiter: number): number {
  let field = 0;
  let quoted = false;
  for (let i = start; i < offset; i++) {
    if (bytes[i] === 0x22) quoted = !quoted;
    else if (bytes[i] === delimiter && !quoted) field++;
  }
  return field;
}
