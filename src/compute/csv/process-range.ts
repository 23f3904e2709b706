/**
 * One byte range of a CSV file in, its records computed: what a worker does with a range it reads itself,
 * so that the coordinator never touches the rows (or the calling thread, for a small input). Pure but for
 * `read` (positioned reads: processFileRange's from the file; tests give memory).
 *
 * The range's records are those that start in [from, to): the cut at each end is exact given the quote
 * parity there (record-boundary.ts). The parity at `from` comes with the task when the coordinator knows
 * it, and is otherwise guessed; the result says which parity it assumed and carries the quotes of
 * [from, to) on, so the coordinator, going in order, can tell a wrong guess and have the range cut again.
 * Lines are counted from the records' first byte (line 1): the coordinator makes them absolute in order
 * (`locatedFrom`).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { BatchGradError } from '../../errors.js';
import { ExactSum } from '../exact-sum.js';
import type { JobSpec } from '../job/job.js';
import { failedResult, type TaskResult } from '../task-result.js';
import { processChunk } from './process-chunk.js';
import { hasQuote, likelyParity, lineFeeds, type Parity, quoteParity, recordStartFrom } from './record-boundary.js';

export interface RangeTask {
  /** Position of the range in the input, from 0: results are written in this order. */
  readonly seq: number;
  readonly path: string;
  /** The nominal range: this task computes the records that start in [from, to). */
  readonly from: number;
  readonly to: number;
  /** Where the records are: `base` is a record start (after the header, or a shard's start), `limit` the end. */
  readonly base: number;
  readonly limit: number;
  /** The quote parity at `from`, when the coordinator knows it; otherwise the worker guesses. */
  readonly parity?: Parity;
  /** A record longer than this is an error (it usually means an unterminated quote). */
  readonly maxRecordBytes: number;
  /** A recycled buffer to write the output into, if large enough. */
  readonly outputBuffer?: ArrayBuffer;
}

export interface RangeResult extends TaskResult {
  /** The parity at `from` that the cut assumed. */
  readonly parity: Parity;
  /** The quotes in [from, to), modulo 2: the parity at `to` is `parity ^ quotes`. */
  readonly quotes: Parity;
  /** Line feeds in the records computed: the next range's records start that many lines later. */
  readonly lines: number;
}

/** Reads file bytes at `position` into `into`; returns how many (0 at the end of the file). */
export type ReadAt = (into: Uint8Array, position: number) => number;

/** A range's bytes never leave its thread, so one input buffer serves every range the thread reads. */
let scratch = new Uint8Array(0);
const scratchBytes = (size: number): Uint8Array => {
  if (scratch.length < size) scratch = new Uint8Array(size + (size >> 3));
  return scratch.subarray(0, size);
};

/** processRange on the task's file, read with positioned reads into this thread's one input buffer. */
export function processFileRange(job: JobSpec, task: RangeTask): RangeResult {
  const fd = openSync(task.path, 'r');
  try {
    return processRange(job, task, (into, position) => readSync(fd, into, 0, into.length, position), scratchBytes);
  } finally {
    closeSync(fd);
  }
}

/** Read past `to` by this much at first, for the record that straddles it; doubled until it ends. */
const OVERHANG = 1 << 16;
const QUOTE = 0x22;

/** `allocate` gives the buffer the range is read into; it may be reused once this returns. */
export function processRange(
  job: JobSpec,
  task: RangeTask,
  read: ReadAt,
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): RangeResult {
  const { from, to, base, limit } = task;
  // The byte before `from` decides whether a record starts right at it.
  const origin = from > base ? from - 1 : from;
  let bytes = allocate(Math.min(limit, to + OVERHANG) - origin);
  let filled = fill(bytes, 0, origin, read);
  const at = (offset: number): number => offset - origin;
  const delimiter = job.delimiter.charCodeAt(0);
  const parity: Parity = task.parity ?? (from === base ? 0 : likelyParity(bytes, at(from), at(to), delimiter));
  const quotes = quoteParity(bytes, at(from), at(to));
  const start = from === base ? at(from) : recordStartFrom(bytes, at(from), at(to), parity, bytes[at(from) - 1]!);
  const empty = { parity, quotes, lines: 0 };
  if (start === -1)
    return { ...processChunk(job, { seq: task.seq, bytes: new Uint8Array(0), firstLine: 1 }), ...empty };

  let end =
    to >= limit ? at(limit) : recordStartFrom(bytes, at(to), filled, (parity ^ quotes) as Parity, bytes[at(to) - 1]!);
  while (end === -1) {
    if (origin + filled >= limit) {
      end = filled;
      break;
    }
    if (origin + filled - to > task.maxRecordBytes) return tooLong(job, task, bytes, start, at(to), empty);
    // Rare (a record straddling `to` is longer than the overhang): a buffer of its own, not `allocate`'s.
    const grown = new Uint8Array(Math.min(limit - origin, 2 * bytes.length));
    grown.set(bytes.subarray(0, filled));
    bytes = grown;
    const searchFrom = filled;
    filled = fill(bytes, filled, origin, read);
    // The parity at the search's restart: the parity at `to` and the quotes read since.
    const restart = (parity ^ quotes ^ quoteParity(bytes, at(to), searchFrom)) as Parity;
    end = recordStartFrom(bytes, searchFrom, filled, restart, bytes[searchFrom - 1]!);
    // The data ends here: at the limit, or earlier if the file was cut short while it was read.
    if (end === -1 && (origin + filled >= limit || filled === searchFrom)) end = filled;
  }
  const records = bytes.subarray(start, end);
  const lines = lineFeeds(records, 0, records.length);
  const outputBuffer = task.outputBuffer ? { outputBuffer: task.outputBuffer } : {};
  if (records.length <= PIECE_BYTES || !hasQuote(records)) {
    return {
      ...processChunk(job, { seq: task.seq, bytes: records, firstLine: 1, ...outputBuffer }),
      parity,
      quotes,
      lines,
    };
  }
  return { ...inPieces(job, task.seq, records, task.outputBuffer), parity, quotes, lines };
}

/**
 * Records with quotes go through csv-parse, whose garbage grows with what it parses at once: a range is
 * parsed a piece of about PIECE_BYTES at a time (about the stream path's chunk of 8192 short rows), and
 * the pieces' results joined. Records without quotes are read by the WebAssembly loop, whose memory is
 * flat at a range's size.
 */
const PIECE_BYTES = 1 << 18;

function inPieces(job: JobSpec, seq: number, records: Uint8Array, outputBuffer: ArrayBuffer | undefined): TaskResult {
  const parts: TaskResult[] = [];
  let line = 1;
  for (let from = 0; from < records.length; ) {
    // Every record start has even parity: the parity at the nominal cut is that of the quotes since `from`.
    const nominal = from + PIECE_BYTES;
    const cut =
      nominal >= records.length
        ? -1
        : recordStartFrom(records, nominal, records.length, quoteParity(records, from, nominal), records[nominal - 1]!);
    const to = cut === -1 ? records.length : cut;
    const piece = records.subarray(from, to);
    const part = processChunk(job, { seq, bytes: piece, firstLine: line });
    if (part.error !== undefined) return part;
    parts.push(part);
    line += lineFeeds(piece, 0, piece.length);
    from = to;
  }
  return joined(job, seq, parts, records.length, outputBuffer);
}

/** The pieces' results as one: outputs and inputs end to end, counts added, sums added exactly. */
function joined(
  job: JobSpec,
  seq: number,
  parts: readonly TaskResult[],
  inputBytes: number,
  outputBuffer: ArrayBuffer | undefined,
): TaskResult {
  const size = parts.reduce((total, part) => total + part.output.length, 0);
  const output =
    outputBuffer !== undefined && outputBuffer.byteLength >= size
      ? new Uint8Array(outputBuffer, 0, size)
      : new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    output.set(part.output, at);
    at += part.output.length;
  }
  const sums = parts[0]!.sums.map((_, k) => {
    const sum = new ExactSum();
    for (const part of parts) sum.addState(part.sums[k]!);
    return sum.state();
  });
  const total = (key: 'read' | 'written' | 'rejected'): number => parts.reduce((n, part) => n + part[key], 0);
  const inputs =
    job.keepInputs === true
      ? parts[0]!.inputs!.map((_, k) => {
          const column = new Float64Array(new SharedArrayBuffer(8 * total('written')));
          let row = 0;
          for (const part of parts) {
            column.set(part.inputs![k]!, row);
            row += part.written;
          }
          return column;
        })
      : undefined;
  return {
    seq,
    inputBytes,
    output,
    read: total('read'),
    written: total('written'),
    rejected: total('rejected'),
    rejects: parts.flatMap((part) => part.rejects),
    sums,
    ...(inputs === undefined ? {} : { inputs }),
    ...(job.label?.collect === true ? { labels: [...new Set(parts.flatMap((part) => part.labels ?? []))] } : {}),
  };
}

/** Fill `bytes` from index `filled` with the file's bytes from `origin + filled`; returns the new fill. */
function fill(bytes: Uint8Array, filled: number, origin: number, read: ReadAt): number {
  while (filled < bytes.length) {
    const got = read(bytes.subarray(filled), origin + filled);
    if (got === 0) break;
    filled += got;
  }
  return filled;
}

/** The record that straddles `to` runs on past the longest allowed: located at its first line. */
function tooLong(
  job: JobSpec,
  task: RangeTask,
  bytes: Uint8Array,
  start: number,
  to: number,
  empty: Omit<RangeResult, keyof TaskResult>,
): RangeResult {
  // Every record start has even parity, so the next one after `s` is found from s + 1 by the byte at s.
  let last = start;
  for (
    let next = start;
    next !== -1 && next < to;
    next = recordStartFrom(bytes, next + 1, to, bytes[next] === QUOTE ? 1 : 0, bytes[next]!)
  )
    last = next;
  const line = 1 + lineFeeds(bytes, start, last);
  const error = new BatchGradError(
    'RECORD_TOO_LONG',
    `${job.file}:${line}: a record is longer than ${task.maxRecordBytes} bytes (an unterminated quote?)`,
    { file: job.file, line },
  );
  return { ...failedResult(task.seq, 0, error), ...empty };
}

/**
 * A range's result with its lines made absolute, now that the line of its first byte is known: every
 * location a worker put in a message reads `<file>:<line>`, counted from 1 at the range's records.
 */
export function locatedFrom(result: TaskResult, file: string, firstLine: number): TaskResult {
  if (firstLine === 1 || (result.error === undefined && result.rejects.length === 0)) return result;
  const shift = (line: number): number => line + firstLine - 1;
  const prefix = `${file}:`;
  const message = (text: string): string => {
    if (!text.startsWith(prefix)) return text;
    const digits = /^\d+/.exec(text.slice(prefix.length))?.[0];
    return digits === undefined
      ? text
      : `${prefix}${shift(Number(digits))}${text.slice(prefix.length + digits.length)}`;
  };
  const error = result.error;
  const line = error?.context.line;
  return {
    ...result,
    rejects: result.rejects.map((row) => ({ ...row, line: shift(row.line), reason: message(row.reason) })),
    ...(error === undefined || line === undefined
      ? {}
      : { error: { ...error, message: message(error.message), context: { ...error.context, line: shift(line) } } }),
  };
}
