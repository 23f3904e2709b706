/**
 * An Arrow table (from an Arrow or Parquet input) to a DecodedBatch. Integer, float and decimal columns are
 * read as the nearest float64; a null, NaN or infinity in a model input makes the row bad, located by its
 * row number (and its Parquet row group).
 */
import type { Data, DataType, Table, Vector } from 'apache-arrow';
import type { LabelDomain } from '../../core/loss.js';
import { BatchGradError, type ErrorCode } from '../../errors.js';
import type { JobSpec } from '../job/job.js';
import { classOfValue, isLabelIn, labelReason, unknownClassReason } from '../job/labels.js';
import type { BadRow, DecodedBatch } from './decoded-batch.js';
import { keptTextReader, NumberText } from './kept-text.js';
import { arrow } from './libraries.js';

/** Where the batch is in the input: its first row's number (1-based) and, for Parquet, its row group. */
export interface BatchPlace {
  readonly firstRow: number;
  readonly rowGroup?: number;
}

/** A numeric column's values as float64, each the nearest double to the stored number. */
function float64Values(vector: Vector, name: string, job: JobSpec): Float64Array {
  const { Type } = arrow();
  const type = vector.type as DataType;
  switch (type.typeId) {
    case Type.Float:
    case Type.Int: {
      const values = vector.toArray() as ArrayLike<number | bigint>;
      if (values instanceof Float64Array) return values;
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float64Array.from(values, Number);
      return Float64Array.from(values as ArrayLike<number>);
    }
    case Type.Decimal: {
      const scale = (type as unknown as { scale: number }).scale;
      // The decimal's exact digits, then JavaScript's correctly rounded decimal-to-double conversion.
      return Float64Array.from({ length: vector.length }, (_, i) => {
        const value = vector.get(i) as { toString(): string } | null;
        return value === null ? Number.NaN : Number(`${String(value)}e-${scale}`);
      });
    }
    default:
      throw new BatchGradError(
        'HEADER_INVALID',
        `${job.file}: column "${name}" holds ${String(type)}, not numbers; a model input must be an integer, float or decimal column`,
        {
          file: job.file,
          field: name,
        },
      );
  }
}

export function decodeArrowTable(job: JobSpec, table: Table, place: BatchPlace): DecodedBatch {
  const rows = table.numRows;
  const vectors = job.header.map((name) => table.getChild(name));
  const input = job.inputColumns.map((c, k) => {
    const vector = vectors[c];
    if (vector === null || vector === undefined) {
      throw new BatchGradError('HEADER_MISSING_COLUMN', `${job.file}: a batch has no column "${job.header[c]}"`, {
        file: job.file,
        field: job.header[c]!,
      });
    }
    const label = k === job.label?.position && job.label.domain === 'class' ? job.label : undefined;
    // A class label is read as its class's index (-1 if not a class), from text or numbers alike.
    const values =
      label === undefined
        ? float64Values(vector, job.header[c]!, job)
        : Float64Array.from({ length: vector.length }, (_, i) => {
            const value = vector.get(i) as unknown;
            return value === null ? Number.NaN : classOfValue(label, value);
          });
    return { c, vector, values, nullable: vector.nullCount > 0 };
  });
  // Bad fields are reported leftmost first, as for CSV.
  const checkOrder = [...input.keys()].sort((a, b) => input[a]!.c - input[b]!.c);
  const keptVectors = job.keepColumns.map((c) => vectors[c]!);
  const where = (i: number): string =>
    `row ${place.firstRow + i}${place.rowGroup === undefined ? '' : ` (row group ${place.rowGroup})`}`;

  const keptTypes = keptVectors.map((vector) => vector.type as DataType);
  const keptReaders = keptVectors.map(keptTextReader);
  const keptOf = (i: number): unknown[] => (keptReaders.length === 0 ? NO_KEPT : keptReaders.map((read) => read(i)));
  // Kept values row by row are for text outputs, and for an Arrow or Parquet output's kept columns that
  // cannot be passed on as Arrow data; otherwise they are not made.
  const text = job.output.encoding === 'csv' || job.output.encoding === 'jsonl';

  // The common case, checked a column at a time: no null, every value finite, every label in its domain. Then the
  // columns are used as they are, with no pass over the rows.
  const clean = input.every(
    ({ values, nullable }, k) =>
      !nullable && (k === job.label?.position ? allLabels(job.label.domain, values, rows) : allFinite(values, rows)),
  );
  if (clean) {
    const keptData = keptVectors.map((vector) =>
      vector.data.length === 1 ? vector.data[0] : gathered(vector, undefined, rows),
    );
    const keptRows = text || keptData.includes(undefined) ? Array.from({ length: rows }, (_, i) => keptOf(i)) : [];
    return {
      read: rows,
      rows,
      columns: input.map(({ values }) => values),
      kept: keptRows,
      keptTypes,
      keptData,
      problems: [],
    };
  }
  const keepRows = text || !keptVectors.every((vector) => isFixedWidth(vector.type as DataType));

  const problems: BadRow[] = [];
  // A bad row's text (for --rejects) holds the columns read (a Parquet input's model inputs and kept
  // columns), each as a text output would write it.
  const readers: Array<((i: number) => unknown) | undefined> = [];
  const textOf = (c: number): ((i: number) => unknown) => (readers[c] ??= keptTextReader(vectors[c]!));
  const columns = input.map(() => new Float64Array(rows));
  const kept: unknown[][] = [];
  const goodRows = new Int32Array(rows);
  let good = 0;
  for (let i = 0; i < rows; i++) {
    let bad: { code: ErrorCode; reason: string; k: number } | undefined;
    for (const k of checkOrder) {
      const { vector, values, nullable } = input[k]!;
      const value = values[i]!;
      if (nullable && !vector.isValid(i)) bad = { code: 'FIELD_NULL', reason: 'null', k };
      else if (!Number.isFinite(value)) bad = { code: 'FIELD_NAN', reason: `not a finite number: ${value}`, k };
      else if (k === job.label?.position && !isLabelIn(job.label.domain, value)) {
        const reason =
          job.label.domain === 'class'
            ? unknownClassReason(job.label.classes ?? [], String(vector.get(i)))
            : labelReason(job.label.domain, value);
        bad = { code: 'LABEL_INVALID', reason, k };
      }
      if (bad !== undefined) break;
      columns[k]![good] = value;
    }
    if (bad === undefined) {
      if (keepRows) kept.push(keptOf(i));
      goodRows[good++] = i;
      continue;
    }
    const field = job.header[input[bad.k]!.c]!;
    const row = place.firstRow + i;
    const message = `${job.file}: ${where(i)}, column "${field}": ${bad.reason}`;
    problems.push({
      line: row,
      error: {
        code: bad.code,
        message,
        context: {
          file: job.file,
          record: row,
          field,
          ...(place.rowGroup === undefined ? {} : { rowGroup: place.rowGroup }),
        },
      },
      text: JSON.stringify(
        Object.fromEntries(
          job.header.flatMap((name, c) =>
            vectors[c] === null || vectors[c] === undefined ? [] : [[name, jsonValue(textOf(c)(i))]],
          ),
        ),
      ),
    });
    if (job.onError === 'fail') break;
  }
  return {
    read: rows,
    rows: good,
    columns,
    kept,
    keptTypes,
    keptData: keptVectors.map((vector) => gathered(vector, goodRows, good)),
    problems,
  };
}

/**
 * Rows `which[0..count)` (all rows if undefined) of a kept column, as Arrow data holding the stored values
 * themselves, for a fixed-width type (integers, floats, decimals, dates, times, timestamps, durations,
 * intervals, fixed-size binary); undefined for any other type, whose values JavaScript holds exactly.
 * (JavaScript's view of a timestamp is a double of milliseconds: nanoseconds would not survive it.)
 */
function gathered(vector: Vector, which: Int32Array | undefined, count: number): Data | undefined {
  const { makeData } = arrow();
  const type = vector.type as DataType;
  const chunks = vector.data;
  if (!isFixedWidth(type) || chunks.length === 0) return undefined;
  const stride = chunks[0]!.stride;
  const values = new (
    chunks[0]!.values.constructor as new (
      length: number,
    ) => ArrayLike<unknown> & { [i: number]: unknown }
  )(count * stride);
  const bitmap = vector.nullCount > 0 ? new Uint8Array((count + 7) >> 3) : undefined;
  let nulls = 0;
  let chunk = 0;
  let base = 0;
  for (let k = 0; k < count; k++) {
    const row = which === undefined ? k : which[k]!;
    while (row >= base + chunks[chunk]!.length) base += chunks[chunk++]!.length;
    const data = chunks[chunk]!;
    const i = row - base;
    // A Data's values start at its own first row (slicing moves the buffers), in `stride` elements a row.
    for (let e = 0; e < stride; e++) values[k * stride + e] = data.values[i * stride + e];
    if (bitmap !== undefined) {
      if (data.getValid(i)) bitmap[k >> 3]! |= 1 << (k & 7);
      else nulls++;
    }
  }
  return makeData({
    type,
    length: count,
    nullCount: nulls,
    ...(bitmap === undefined ? {} : { nullBitmap: bitmap }),
    data: values,
  } as never);
}

/** Whether each value of `type` is a fixed number of elements of its data's values array. */
function isFixedWidth(type: DataType): boolean {
  const { DataType: Types } = arrow();
  return (
    Types.isInt(type) ||
    Types.isFloat(type) ||
    Types.isDecimal(type) ||
    Types.isDate(type) ||
    Types.isTime(type) ||
    Types.isTimestamp(type) ||
    Types.isInterval(type) ||
    Types.isDuration(type) ||
    Types.isFixedSizeBinary(type)
  );
}

/** The kept values of a row when nothing is kept: one shared empty row. */
const NO_KEPT: unknown[] = [];

function allFinite(values: Float64Array, rows: number): boolean {
  for (let i = 0; i < rows; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

function allLabels(domain: LabelDomain, values: Float64Array, rows: number): boolean {
  for (let i = 0; i < rows; i++) if (!isLabelIn(domain, values[i]!)) return false;
  return true;
}

/** A value as JSON can hold it (a 64-bit integer or a decimal as its digits). */
function jsonValue(value: unknown): unknown {
  return typeof value === 'bigint' || value instanceof NumberText
    ? value.toString()
    : value instanceof Date
      ? value.toISOString()
      : (value ?? null);
}
