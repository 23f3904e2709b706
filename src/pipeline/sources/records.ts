/**
 * The library's records as a source: objects keyed by column name, or arrays after a header array (as
 * csv-parse gives them). The calling thread reads each batch of records into float64 columns, in order;
 * a worker runs the tape on them (the columns move both ways); each result holds its batch's result records.
 */
import { type JobSpec, outputColumnNames } from '../../compute/job/job.js';
import { classOfValue, isLabelIn, labelReason, unknownClassReason } from '../../compute/job/labels.js';
import { outputColumns } from '../../compute/job/model-tape.js';
import { taskSums } from '../../compute/job/task-sums.js';
import { readNumber } from '../../compute/numbers/grammar.js';
import type { Engine } from '../../engine/engine.js';
import { BatchGradError, type ErrorCode } from '../../errors.js';
import { asIs, type Counted, closesNothing, keepsNothing, type Source } from '../source.js';

export type InputRecord = Readonly<Record<string, unknown>> | readonly unknown[];
export type OutputRecord = Record<string, unknown>;

export interface RejectedRecord {
  /** 1-based number of the data record (a header array is not counted). */
  readonly record: number;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly value: InputRecord;
}

export interface RecordsOptions {
  readonly batchSize: number;
  readonly onReject: ((rejected: RejectedRecord) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A batch's records read into columns: good rows only, with their kept values. */
interface Prepared {
  readonly columns: Float64Array[];
  readonly kept: unknown[][];
  readonly rows: number;
  readonly read: number;
  readonly rejected: number;
}

export interface RecordsResult extends Counted {
  readonly records: OutputRecord[];
}

/**
 * The first record (or header array) names the columns; undefined for a source with no records (a query
 * that matched nothing is an empty result, not an error).
 */
export async function records(
  engine: Engine,
  input: AsyncIterable<InputRecord>,
  options: RecordsOptions,
): Promise<Source<Prepared, RecordsResult, RecordsResult> | undefined> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) return undefined;
  const isHeader = Array.isArray(first.value);
  const header = isHeader ? (first.value as unknown[]).map(String) : Object.keys(first.value);
  async function* batches(): AsyncGenerator<{ records: InputRecord[]; first: number }> {
    let batch: InputRecord[] = isHeader ? [] : [first.value as InputRecord];
    let count = batch.length;
    let start = 1;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      if (batch.length === options.batchSize) {
        yield { records: batch, first: start };
        batch = [];
        start = count + 1;
      }
      batch.push(next.value);
      count++;
    }
    if (batch.length > 0) yield { records: batch, first: start };
  }
  return {
    header,
    async *tasks(job) {
      for await (const batch of batches()) yield prepare(job, batch.records, batch.first, options);
    },
    async compute(job, p) {
      const empty = (): Float64Array => new Float64Array(0);
      const result =
        p.rows === 0
          ? {
              predictions: outputColumnNames(job)
                .slice(job.keepColumns.length)
                .filter((name) => name === 'f' || name.startsWith('p_'))
                .map(empty),
              loss: job.tape.loss ? empty() : undefined,
              gradients: job.tape.inputs.map(empty),
            }
          : await engine.runColumns(job.tape, p.columns, p.rows, options.signal);
      const run = { predictions: result.predictions, loss: result.loss, gradients: result.gradients };
      const outputs = outputColumns(run, job.gradientOrder);
      return {
        read: p.read,
        written: p.rows,
        rejected: p.rejected,
        sums: taskSums(job.tape, outputs, p.columns, p.rows),
        records: resultRecords(job, p, outputs),
      };
    },
    inOrder: asIs,
    release: keepsNothing,
    close: closesNothing,
  };
}

/** Read each record's model inputs into columns; bad records are rejected or stop the run. */
function prepare(job: JobSpec, batch: readonly InputRecord[], first: number, options: RecordsOptions): Prepared {
  const columns = job.inputColumns.map(() => new Float64Array(batch.length));
  const kept: unknown[][] = [];
  let rows = 0;
  let rejected = 0;
  batch.forEach((record, i) => {
    const number = first + i;
    const problem = readRecord(job, record, columns, rows);
    if (problem === undefined) {
      kept.push(job.keepColumns.map((c) => fieldOf(record, job.header[c]!, c)));
      rows++;
      return;
    }
    const message = `record ${number}${problem.field === undefined ? '' : `, field ${problem.field}`}: ${problem.reason}`;
    if (job.onError === 'fail') {
      throw new BatchGradError(problem.code, message, {
        record: number,
        ...(problem.field === undefined ? {} : { field: problem.field }),
        ...(problem.value === undefined ? {} : { value: problem.value }),
      });
    }
    rejected++;
    options.onReject?.({ record: number, code: problem.code, reason: message, value: record });
  });
  return { columns, kept, rows, read: batch.length, rejected };
}

function readRecord(
  job: JobSpec,
  record: InputRecord,
  columns: Float64Array[],
  row: number,
): { code: ErrorCode; reason: string; field?: string; value?: string } | undefined {
  if (Array.isArray(record) && record.length !== job.header.length) {
    return { code: 'FIELD_COUNT', reason: `${record.length} fields, the header has ${job.header.length}` };
  }
  for (let k = 0; k < job.inputColumns.length; k++) {
    const c = job.inputColumns[k]!;
    const field = job.header[c]!;
    const raw = fieldOf(record, field, c);
    if (k === job.label?.position && job.label.domain === 'class' && raw !== undefined && raw !== null) {
      const index = classOfValue(job.label, raw);
      if (index < 0)
        return {
          code: 'LABEL_INVALID',
          reason: unknownClassReason(job.label.classes ?? [], String(raw)),
          field,
          value: String(raw),
        };
      columns[k]![row] = index;
      continue;
    }
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw))
        return { code: 'FIELD_NOT_A_NUMBER', reason: `not a finite number: ${raw}`, field, value: String(raw) };
      columns[k]![row] = raw;
      continue;
    }
    if (raw === undefined || raw === null) return { code: 'FIELD_EMPTY', reason: 'missing', field };
    const reading = readNumber(String(raw));
    if (!reading.ok)
      return { code: reading.code, reason: `${reading.reason}: ${JSON.stringify(raw)}`, field, value: String(raw) };
    columns[k]![row] = reading.value;
  }
  if (job.label !== undefined) {
    const label = columns[job.label.position]![row]!;
    if (!isLabelIn(job.label.domain, label))
      return {
        code: 'LABEL_INVALID',
        reason: labelReason(job.label.domain, label),
        field: job.header[job.inputColumns[job.label.position]!]!,
        value: String(label),
      };
  }
  return undefined;
}

/** The batch's result records: kept values, then the output columns, by output name. */
function resultRecords(job: JobSpec, p: Prepared, outputs: readonly Float64Array[]): OutputRecord[] {
  const names = outputColumnNames(job);
  const keepCount = job.keepColumns.length;
  const list: OutputRecord[] = [];
  for (let i = 0; i < p.rows; i++) {
    const record: OutputRecord = {};
    for (let c = 0; c < keepCount; c++) record[names[c]!] = p.kept[i]![c];
    for (let c = 0; c < outputs.length; c++) record[names[keepCount + c]!] = outputs[c]![i];
    list.push(record);
  }
  return list;
}

function fieldOf(record: InputRecord, name: string, index: number): unknown {
  return Array.isArray(record) ? record[index] : (record as Record<string, unknown>)[name];
}
