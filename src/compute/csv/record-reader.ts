/**
 * A plain chunk laid out in the numbers module's work area for its record loop (src/wasm/read-records.ts):
 * the chunk's bytes, the tables saying which field feeds which model input and which fields are kept, and
 * the input columns and kept fields' bounds the loop fills. parse-plain.ts drives it.
 */
import { DecimalReader } from '../numbers/decimal-reader.js';
import { memoryBytes, numbers, reserveWork, WORK } from '../numbers/wasm-module.js';

export interface RecordShape {
  readonly fieldCount: number;
  /** For each field, the model input it feeds, or -1. */
  readonly inputOf: Int32Array;
  readonly inputCount: number;
  /** For each field, the slot its bounds are kept in, or -1; slots run from 0 to keptCount - 1. */
  readonly keepSlot: Int32Array;
  readonly keptCount: number;
  readonly delimiter: number;
}

const align8 = (at: number): number => (at + 7) & ~7;

export class RecordReader {
  /** The chunk's single fields, for the general loop. */
  readonly fields: DecimalReader;
  /** At least as many rows as the chunk can hold: each good record takes a byte a field but one, at least. */
  readonly capacity: number;
  /** Input k's value for each row (views of the module's memory, `capacity` long). */
  readonly columns: Float64Array[];
  /** A kept field's start and end for each row: [2 (slot capacity + row)] and the next. */
  readonly keptBounds: Int32Array;
  /** The row count after the last readCommon. */
  row = 0;
  private readonly inputOfAt: number;
  private readonly keepSlotAt: number;
  private readonly columnsAt: number;
  private readonly keptAt: number;
  private readonly length: number;

  constructor(
    bytes: Uint8Array,
    private readonly shape: RecordShape,
  ) {
    this.fields = new DecimalReader(bytes);
    this.length = bytes.length;
    this.capacity = Math.floor(bytes.length / Math.max(1, shape.fieldCount - 1 + shape.inputCount)) + 1;
    this.inputOfAt = align8(WORK + bytes.length);
    this.keepSlotAt = this.inputOfAt + 4 * shape.fieldCount;
    this.columnsAt = align8(this.keepSlotAt + 4 * shape.fieldCount);
    this.keptAt = this.columnsAt + 8 * shape.inputCount * this.capacity;
    reserveWork(this.keptAt + 8 * shape.keptCount * this.capacity - WORK);
    const buffer = memoryBytes.buffer;
    new Int32Array(buffer, this.inputOfAt, shape.fieldCount).set(shape.inputOf);
    new Int32Array(buffer, this.keepSlotAt, shape.fieldCount).set(shape.keepSlot);
    this.columns = Array.from(
      { length: shape.inputCount },
      (_, k) => new Float64Array(buffer, this.columnsAt + 8 * k * this.capacity, this.capacity),
    );
    this.keptBounds = new Int32Array(buffer, this.keptAt, 2 * shape.keptCount * this.capacity);
  }

  /** Reads common records from bytes[start] on as rows `row`, `row + 1`, ...; returns where it stopped. */
  readCommon(start: number, row: number): number {
    const { fieldCount, delimiter, keptCount } = this.shape;
    const stop = numbers.readRecords(
      start,
      this.length,
      fieldCount,
      delimiter,
      this.inputOfAt,
      this.keepSlotAt,
      this.columnsAt,
      keptCount > 0 ? this.keptAt : 0,
      this.capacity,
      row,
    );
    this.row = numbers.recordRow.value;
    return stop;
  }
}
