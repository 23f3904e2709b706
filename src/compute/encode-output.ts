/**
 * A batch's output rows in the job's output encoding: CSV or TSV lines (the numbers module writes the
 * numbers), JSON Lines objects, one Arrow IPC stream holding the batch, or a Parquet file holding it.
 * Numbers are written as the shortest text that reads back as the same float64, as in CSV; in Arrow the
 * results are non-nullable float64 columns and kept columns keep their type when the input had one.
 */
import type { Data, DataType } from 'apache-arrow';
import { parquetFileOf } from './columnar/encode-parquet.js';
import { NumberText } from './columnar/kept-text.js';
import { arrow } from './columnar/libraries.js';
import { type DoublesCodec, doublesFileBytes, doublesParquetFile, isDoublesCodec } from './columnar/parquet-doubles.js';
import { csvField } from './csv/csv-field.js';
import { DEFAULT_COMPRESSION } from './formats.js';
import { type JobSpec, outputColumnNames } from './job/job.js';
import { LineWriter } from './numbers/line-writer.js';

/** A kept value as CSV text: strings as they are, other values as JavaScript writes them, null as empty. */
const keptText = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'string'
      ? value
      : value instanceof Date
        ? value.toISOString()
        : String(value);

const COMMA = 0x2c;
const LF = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NULL = new TextEncoder().encode('null');
const encoder = new TextEncoder();

/** A kept value as JSON; a 64-bit integer or a decimal as its exact digits (a JSON number, whatever its size). */
const jsonKept = (value: unknown): string =>
  typeof value === 'bigint' || value instanceof NumberText
    ? value.toString()
    : JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));

export interface OutputRows {
  readonly rows: number;
  /** Each row's kept values, in --keep order (strings for CSV input). */
  readonly kept: readonly (readonly unknown[])[];
  /** The kept columns' Arrow types, when the input had them. */
  readonly keptTypes?: readonly DataType[] | undefined;
  /** The kept columns as Arrow data of exactly these rows, where the input gave it: written as it is. */
  readonly keptData?: ReadonlyArray<Data | undefined> | undefined;
  /** f, then the loss if any, then the gradients: output order, each at least `rows` long. */
  readonly columns: readonly Float64Array[];
}

/**
 * The codec of a Parquet output of computed doubles alone, which is written page by page; undefined for
 * any other output (kept columns, of any type, go through Arrow to arrow-rs).
 */
function doublesCodecOf(job: JobSpec): DoublesCodec | undefined {
  const codec = job.output.compression ?? DEFAULT_COMPRESSION;
  return job.output.encoding === 'parquet' && job.keepColumns.length === 0 && isDoublesCodec(codec) ? codec : undefined;
}

/**
 * Whether the job's encoder writes into a recycled buffer it is given (CSV and TSV lines, a Parquet file of
 * doubles): the others make their own, and a buffer sent with their tasks would only be lost.
 */
export const writesIntoRecycled = (job: JobSpec): boolean =>
  job.output.encoding === 'csv' || doublesCodecOf(job) !== undefined;

/**
 * The most bytes a batch of `rows` rows can be encoded in, where that is known before the rows are (a
 * Parquet output of doubles): a recycled buffer that size always fits.
 */
export function outputBytesAtMost(job: JobSpec, rows: number): number | undefined {
  return doublesCodecOf(job) === undefined ? undefined : doublesFileBytes(outputColumnNames(job).length, rows);
}

export function encodeOutput(job: JobSpec, out: OutputRows, reuse?: ArrayBuffer): Uint8Array {
  switch (job.output.encoding) {
    case 'none':
      return new Uint8Array(0);
    case 'csv':
      return csvLines(job, out, reuse);
    case 'jsonl':
      return jsonLines(job, out);
    case 'arrow':
      return arrowBatch(job, out);
    case 'parquet': {
      const codec = doublesCodecOf(job);
      if (codec !== undefined) return doublesParquetFile(outputColumnNames(job), out.columns, out.rows, codec, reuse);
      return parquetFileOf(
        arrowBatch(job, out),
        out.rows,
        job.output.compression ?? DEFAULT_COMPRESSION,
        outputColumnNames(job).slice(0, job.keepColumns.length),
      );
    }
  }
}

function csvLines(job: JobSpec, { rows, kept, columns }: OutputRows, reuse: ArrayBuffer | undefined): Uint8Array {
  const d = job.output.delimiter;
  const writer = new LineWriter(columns, rows, d.charCodeAt(0));
  if (job.keepColumns.length === 0) {
    writer.lines(0, rows);
  } else {
    for (let i = 0; i < rows; i++) {
      writer.text(kept[i]!.map((value) => `${csvField(keptText(value), d)}${d}`).join(''));
      writer.lines(i, i + 1);
    }
  }
  return writer.finish(reuse);
}

/**
 * JSON Lines through the numbers module: the rows are first written as CSV lines (each row's kept values
 * as a JSON prefix, then its numbers, comma-separated, by the fast writer), then each line is rewritten
 * into an object by inserting the keys between the numbers. A number's text never holds a comma, so the
 * last k-1 commas of a line are the numbers' separators; NaN and infinities, not JSON, become null.
 * (String(x) a number and string building cost ten times as much.)
 */
function jsonLines(job: JobSpec, { rows, kept, columns }: OutputRows): Uint8Array {
  const names = outputColumnNames(job);
  const keepCount = job.keepColumns.length;
  const writer = new LineWriter(columns, rows, COMMA);
  if (keepCount === 0) {
    writer.lines(0, rows);
  } else {
    for (let i = 0; i < rows; i++) {
      writer.text(kept[i]!.map((value, c) => `${JSON.stringify(names[c])}:${jsonKept(value)},`).join(''));
      writer.lines(i, i + 1);
    }
  }
  const csv = writer.finish();
  const keys = names.slice(keepCount).map((name, c) => encoder.encode(`${c === 0 ? '' : ','}${JSON.stringify(name)}:`));
  const keyBytes = keys.reduce((total, key) => total + key.length, 0);
  const out = new Uint8Array(csv.length + rows * (keyBytes + 2));
  const k = columns.length;
  const bounds = new Int32Array(k + 1);
  let o = 0;
  for (let start = 0; start < csv.length; ) {
    const end = csv.indexOf(LF, start);
    // bounds[c] is where number c starts; bounds[k] is one past the last number's end (the line feed).
    bounds[k] = end + 1;
    let at = end;
    for (let c = k - 1; c > 0; c--) {
      at = csv.lastIndexOf(COMMA, at - 1);
      bounds[c] = at + 1;
    }
    out[o++] = OPEN_BRACE;
    const prefixEnd = k > 1 ? bounds[1]! - 1 : end;
    // The prefix (kept values) ends where number 0 starts: its text runs to the first separator found above.
    let numberStart = prefixEnd;
    while (numberStart > start && csv[numberStart - 1] !== COMMA) numberStart--;
    out.set(csv.subarray(start, numberStart), o);
    o += numberStart - start;
    bounds[0] = numberStart;
    for (let c = 0; c < k; c++) {
      out.set(keys[c]!, o);
      o += keys[c]!.length;
      const from = bounds[c]!;
      const to = bounds[c + 1]! - 1;
      const first = csv[from];
      if (first === 0x4e || first === 0x49 || (first === 0x2d && csv[from + 1] === 0x49)) {
        out.set(NULL, o);
        o += 4;
      } else {
        out.set(csv.subarray(from, to), o);
        o += to - from;
      }
    }
    out[o++] = CLOSE_BRACE;
    out[o++] = LF;
    start = end + 1;
  }
  return out.subarray(0, o);
}

function arrowBatch(job: JobSpec, { rows, kept, keptTypes, keptData: given, columns }: OutputRows): Uint8Array {
  const { Field, Float64, Utf8, Schema, RecordBatch, Struct, makeData, vectorFromArray, tableToIPC, Table } = arrow();
  const names = outputColumnNames(job);
  const keepCount = job.keepColumns.length;
  const keptData = job.keepColumns.map((_, c) => {
    const data = given?.[c];
    if (data !== undefined) return data;
    const type = keptTypes?.[c] ?? new Utf8();
    return vectorFromArray(
      kept.map((row) => row[c]),
      type,
    ).data[0]!;
  });
  // Each column gets a buffer of its own: apache-arrow miswrites a batch in which two columns share one.
  const seen = new Set<ArrayBufferLike>();
  const numberData = columns.map((column) => {
    let values = column.subarray(0, rows);
    if (seen.has(values.buffer)) values = values.slice();
    seen.add(values.buffer);
    return makeData({ type: new Float64(), length: rows, nullCount: 0, data: values });
  });
  const fields = [
    ...keptData.map((data, c) => new Field(names[c]!, data.type, true)),
    ...numberData.map((_, c) => new Field(names[keepCount + c]!, new Float64(), false)),
  ];
  const batch = new RecordBatch(
    new Schema(fields),
    makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: [...keptData, ...numberData] }),
  );
  return tableToIPC(new Table([batch]), 'stream');
}
