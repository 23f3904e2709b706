/**
 * A batch's output rows in the job's output encoding: CSV or TSV lines (the numbers module writes the
 * numbers), JSON Lines objects, or one Arrow IPC stream holding the batch (for Arrow and Parquet outputs).
 * Numbers are written as the shortest text that reads back as the same float64, as in CSV; in Arrow the
 * results are non-nullable float64 columns and kept columns keep their type when the input had one.
 */
import type { DataType } from 'apache-arrow';
import { arrow } from './columnar/libraries.js';
import { csvField } from './csv-field.js';
import { outputColumnNames, type JobSpec } from './job.js';
import { LineWriter } from './numbers/line-writer.js';

/** A kept value as CSV text: strings as they are, other values as JavaScript writes them, null as empty. */
const keptText = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : String(value));

/** A float64 as JSON: shortest round-trip like CSV, -0 keeping its sign; NaN and infinities (not JSON) as null. */
const jsonNumber = (x: number): string => (Number.isFinite(x) ? (Object.is(x, -0) ? '-0' : String(x)) : 'null');

const jsonKept = (value: unknown): string => JSON.stringify(typeof value === 'bigint' ? value.toString() : value ?? null);

export interface OutputRows {
  readonly rows: number;
  /** Each row's kept values, in --keep order (strings for CSV input). */
  readonly kept: readonly (readonly unknown[])[];
  /** The kept columns' Arrow types, when the input had them. */
  readonly keptTypes?: readonly DataType[] | undefined;
  /** f, then the loss if any, then the gradients: output order, each at least `rows` long. */
  readonly columns: readonly Float64Array[];
}

export function encodeOutput(job: JobSpec, out: OutputRows, reuse?: ArrayBuffer): Uint8Array {
  switch (job.output.encoding) {
    case 'csv':
      return csvLines(job, out, reuse);
    case 'jsonl':
      return jsonLines(job, out);
    case 'arrow':
      return arrowBatch(job, out);
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

function jsonLines(job: JobSpec, { rows, kept, columns }: OutputRows): Uint8Array {
  const names = outputColumnNames(job).map((name) => `${JSON.stringify(name)}:`);
  const keepCount = job.keepColumns.length;
  const lines: string[] = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const fields: string[] = [];
    for (let c = 0; c < keepCount; c++) fields.push(names[c]! + jsonKept(kept[i]![c]));
    for (let c = 0; c < columns.length; c++) fields.push(names[keepCount + c]! + jsonNumber(columns[c]![i]!));
    lines[i] = `{${fields.join(',')}}\n`;
  }
  return Buffer.from(lines.join(''));
}

function arrowBatch(job: JobSpec, { rows, kept, keptTypes, columns }: OutputRows): Uint8Array {
  const { Field, Float64, Utf8, Schema, RecordBatch, Struct, makeData, vectorFromArray, tableToIPC, Table } = arrow();
  const names = outputColumnNames(job);
  const keepCount = job.keepColumns.length;
  const keptData = job.keepColumns.map((_, c) => {
    const type = keptTypes?.[c] ?? new Utf8();
    return vectorFromArray(kept.map((row) => row[c]), type).data[0]!;
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
  const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows, nullCount: 0, children: [...keptData, ...numberData] }));
  return tableToIPC(new Table([batch]), 'stream');
}
