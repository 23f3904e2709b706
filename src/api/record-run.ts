/**
 * Records in (objects keyed by column name, or arrays after a header array, as csv-parse gives them),
 * result records out, in order. The calling thread turns each batch of records into Float64Array columns;
 * the worker pool runs the tape on them (buffers transferred both ways); results are merged in order.
 */
import { exactSumOf } from '../compute/exact-sum.js';
import { outputColumnNames, summedColumnNames, type JobSpec } from '../compute/job.js';
import { readNumber } from '../compute/numbers/grammar.js';
import { binaryLabelReason, isBinaryLabel } from '../compute/labels.js';
import type { TrainingChoices } from '../compute/resolve-job.js';
import { resolveJob } from '../compute/resolve-job.js';
import type { ColumnsResponse, Engine } from '../engine/engine.js';
import { BatchGradError, type ErrorCode } from '../errors.js';
import type { OnError } from '../compute/job.js';
import { abortable } from '../engine/abort.js';
import { orderedMap } from '../pipeline/ordered-map.js';
import { modelFacts, SummaryAccumulator } from '../pipeline/summary.js';

export type InputRecord = Readonly<Record<string, unknown>> | readonly unknown[];
export type OutputRecord = Record<string, unknown>;

export interface RejectedRecord {
  /** 1-based number of the data record (a header array is not counted). */
  readonly record: number;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly value: InputRecord;
}

export interface RecordRunOptions {
  readonly expr: string | undefined;
  readonly keep: readonly string[];
  readonly onError: OnError;
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
  readonly onReject: ((rejected: RejectedRecord) => void) | undefined;
  /** Features, parameters, label, loss, weight, wrt. */
  readonly training?: TrainingChoices;
}

interface Batch {
  readonly records: InputRecord[];
  /** 1-based number of the batch's first record. */
  readonly first: number;
}

interface PreparedBatch {
  readonly columns: Float64Array[];
  readonly kept: unknown[][];
  readonly rows: number;
  readonly read: number;
  readonly rejected: number;
}

export class RecordRun {
  private job: JobSpec | undefined;
  private summaryAccumulator: SummaryAccumulator | undefined;

  constructor(private readonly engine: Engine, private readonly options: RecordRunOptions) {}

  /** Counts and exact sums so far; undefined until the first record has fixed the columns. */
  get totals(): SummaryAccumulator | undefined {
    return this.summaryAccumulator;
  }

  async *run(source: AsyncIterable<InputRecord>): AsyncGenerator<OutputRecord> {
    this.engine.assertOpen();
    const compute = async (p: PreparedBatch): Promise<{ p: PreparedBatch; result: ColumnsResponse }> => {
      const job = this.job!;
      if (p.rows === 0) {
        const empty = (): Float64Array => new Float64Array(0);
        return { p, result: { value: empty(), loss: job.tape.loss && empty(), gradients: job.tape.inputs.map(empty) } };
      }
      const result = await this.engine.runColumns(job.tape, p.columns, p.rows, this.options.signal);
      return { p, result };
    };
    const batches = this.batches(source);
    const prepare = (batch: Batch): PreparedBatch => this.prepare(batch);
    // Preparing (reading fields into columns) happens in input order, as each batch is read.
    const preparedBatches = (async function* () {
      for await (const batch of batches) yield prepare(batch);
    })();
    for await (const { p, result } of orderedMap(preparedBatches, compute, 2 * this.engine.threads)) {
      yield* this.emit(p, result);
    }
  }

  /** Groups records into batches; the first record (or header array) fixes the columns and the job. */
  private async *batches(source: AsyncIterable<InputRecord>): AsyncGenerator<Batch> {
    let records: InputRecord[] = [];
    let first = 1;
    let count = 0;
    const iterator = source[Symbol.asyncIterator]();
    for (;;) {
      const next = await abortable(iterator.next(), this.options.signal);
      if (next.done) break;
      const record = next.value;
      if (this.job === undefined) {
        const header = Array.isArray(record) ? record.map(String) : Object.keys(record);
        this.start(header);
        if (Array.isArray(record)) continue; // a header row, not data
      }
      records.push(record);
      count++;
      if (records.length === this.options.batchSize) {
        yield { records, first };
        records = [];
        first = count + 1;
      }
    }
    // An empty source is an empty result (a query that matched nothing), not an error.
    if (records.length > 0) yield { records, first };
  }

  private start(header: string[]): void {
    this.job = resolveJob(header, {
      ...this.options.training, expr: this.options.expr, keep: this.options.keep, delimiter: ',', onError: this.options.onError, file: '<records>', collectRejects: false,
    });
    this.summaryAccumulator = new SummaryAccumulator(summedColumnNames(this.job), modelFacts(this.job));
  }

  /** Read each record's model inputs into columns; bad records are rejected or stop the run. */
  private prepare(batch: Batch): PreparedBatch {
    const job = this.job!;
    const columns = job.inputColumns.map(() => new Float64Array(batch.records.length));
    const kept: unknown[][] = [];
    let rows = 0;
    let rejected = 0;
    batch.records.forEach((record, i) => {
      const number = batch.first + i;
      const problem = this.readRecord(job, record, columns, rows);
      if (problem === undefined) {
        kept.push(job.keepColumns.map((c) => fieldOf(record, job.header[c]!, c)));
        rows++;
        return;
      }
      const message = `record ${number}${problem.field === undefined ? '' : `, field ${problem.field}`}: ${problem.reason}`;
      if (job.onError === 'fail') {
        throw new BatchGradError(problem.code, message, { record: number, ...(problem.field === undefined ? {} : { field: problem.field }), ...(problem.value === undefined ? {} : { value: problem.value }) });
      }
      rejected++;
      this.options.onReject?.({ record: number, code: problem.code, reason: message, value: record });
    });
    return { columns, kept, rows, read: batch.records.length, rejected };
  }

  private readRecord(job: JobSpec, record: InputRecord, columns: Float64Array[], row: number):
    { code: ErrorCode; reason: string; field?: string; value?: string } | undefined {
    if (Array.isArray(record) && record.length !== job.header.length) {
      return { code: 'FIELD_COUNT', reason: `${record.length} fields, the header has ${job.header.length}` };
    }
    for (let k = 0; k < job.inputColumns.length; k++) {
      const c = job.inputColumns[k]!;
      const field = job.header[c]!;
      const raw = fieldOf(record, field, c);
      if (typeof raw === 'number') {
        if (!Number.isFinite(raw)) return { code: 'FIELD_NOT_A_NUMBER', reason: `not a finite number: ${raw}`, field, value: String(raw) };
        columns[k]![row] = raw;
        continue;
      }
      if (raw === undefined || raw === null) return { code: 'FIELD_EMPTY', reason: 'missing', field };
      const reading = readNumber(String(raw));
      if (!reading.ok) return { code: reading.code, reason: `${reading.reason}: ${JSON.stringify(raw)}`, field, value: String(raw) };
      columns[k]![row] = reading.value;
    }
    if (job.binaryLabel !== undefined) {
      const label = columns[job.binaryLabel]![row]!;
      if (!isBinaryLabel(label)) return { code: 'LABEL_INVALID', reason: binaryLabelReason(label), field: job.header[job.inputColumns[job.binaryLabel]!]!, value: String(label) };
    }
    return undefined;
  }

  private *emit(p: PreparedBatch, result: ColumnsResponse): Generator<OutputRecord> {
    const job = this.job!;
    const names = outputColumnNames(job);
    const outputs = [result.value, ...(result.loss ? [result.loss] : []), ...job.gradientOrder.map((k) => result.gradients[k]!)];
    this.summaryAccumulator!.add({
      read: p.read, written: p.rows, rejected: p.rejected,
      sums: outputs.map((column) => exactSumOf(column, p.rows)),
    });
    const keepCount = job.keepColumns.length;
    for (let i = 0; i < p.rows; i++) {
      const record: OutputRecord = {};
      for (let c = 0; c < keepCount; c++) record[names[c]!] = p.kept[i]![c];
      for (let c = 0; c < outputs.length; c++) record[names[keepCount + c]!] = outputs[c]![i];
      yield record;
    }
  }
}

function fieldOf(record: InputRecord, name: string, index: number): unknown {
  return Array.isArray(record) ? record[index] : (record as Record<string, unknown>)[name];
}
