/**
 * Row groups of plain numeric Parquet columns read page by page with hyparquet's own decoders (page
 * headers, RLE/bit-packed levels, PLAIN and BYTE_STREAM_SPLIT values, dictionaries) and native snappy,
 * into Arrow vectors over the decoded numbers: no WebAssembly module to compile in every thread and no IPC
 * copy between two libraries. A row group holding anything else (nested or logically typed columns, other codecs or encodings) is left
 * to parquet-wasm (parquet-source.ts), which reads every kind of Parquet file.
 *
 * Invariant: a row group read here gives the same table, value for value and null for null, as
 * parquet-wasm gives for it: the same Arrow types (Float64, Float32, Int32, Int64) and validity.
 */
import os from 'node:os';
import type { DataType, Table, Vector } from 'apache-arrow';
import type { ColumnMetaData, SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { byteStreamSplit, readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { arrow, snappy, V8_MANAGED } from './libraries.js';
import { openParquet, readAt } from './open-parquet.js';

type Values = Float64Array | Float32Array | Int32Array | BigInt64Array;
type PlainType = 'DOUBLE' | 'FLOAT' | 'INT32' | 'INT64';

const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);
const ENCODINGS = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY', 'RLE', 'BYTE_STREAM_SPLIT']);

/** The Arrow type parquet-wasm gives a plain column of this physical type; below, its values' array. */
const arrowTypeOf = (type: PlainType): DataType => {
  const { Float64, Float32, Int32, Int64 } = arrow();
  return { DOUBLE: new Float64(), FLOAT: new Float32(), INT32: new Int32(), INT64: new Int64() }[type];
};
const arrayOf = {
  DOUBLE: Float64Array,
  FLOAT: Float32Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
} as const;

/** A top-level column whose stored numbers are its values: no logical type that reads them otherwise. */
function isPlainNumber(element: SchemaElement): element is SchemaElement & { type: PlainType } {
  if (element.num_children !== undefined || element.repetition_type === 'REPEATED') return false;
  const logical = element.logical_type;
  switch (element.type) {
    case 'DOUBLE':
    case 'FLOAT':
      return element.converted_type === undefined && logical === undefined;
    case 'INT32':
    case 'INT64': {
      const bits = element.type === 'INT32' ? 32 : 64;
      return (
        (element.converted_type === undefined || element.converted_type === `INT_${bits}`) &&
        (logical === undefined || (logical.type === 'INTEGER' && logical.bitWidth === bits && logical.isSigned))
      );
    }
    default:
      return false;
  }
}

/**
 * Row group `rowGroup` of `path`, only `columns`, as an Arrow table over the decoded values, when every
 * one of those column chunks is a plain number column this reader decodes; otherwise undefined.
 */
export function readPlainRowGroup(path: string, rowGroup: number, columns: readonly string[]): Table | undefined {
  // With no columns the table must still say its rows; parquet-wasm's does. PLAIN numbers are
  // little-endian and are copied into typed arrays, which are in the machine's order.
  if (columns.length === 0 || os.endianness() !== 'LE') return;
  const { fd, metadata } = openParquet(path);
  const group = metadata.row_groups[rowGroup];
  if (group === undefined) throw new Error(`the file has no row group ${rowGroup}`);
  const rows = Number(group.num_rows);
  const chunks: Array<{ name: string; meta: ColumnMetaData; element: SchemaElement & { type: PlainType } }> = [];
  for (const name of columns) {
    const element = metadata.schema.find((e, i) => i > 0 && e.name === name);
    const meta = group.columns.find(
      (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
    )?.meta_data;
    if (element === undefined || meta === undefined || !isPlainNumber(element) || meta.type !== element.type) return;
    if (!CODECS.has(meta.codec) || !meta.encodings.every((e) => ENCODINGS.has(e))) return;
    chunks.push({ name, meta, element });
  }
  const { makeData, makeVector, Table } = arrow();
  const vectors: Record<string, Vector> = {};
  for (const [k, { name, meta, element }] of chunks.entries()) {
    const { values, valid, nulls } = readChunk(fd, meta, element, rows, k);
    vectors[name] = makeVector(
      makeData({
        type: arrowTypeOf(element.type),
        length: rows,
        nullCount: nulls,
        ...(valid === undefined ? {} : { nullBitmap: valid }),
        data: values,
      } as never),
    );
  }
  return new Table(vectors);
}

/**
 * Reused buffers, since fresh memory costs page faults: column chunk bytes, the levels, and each column's
 * values (a task's decoded columns are dead when its result is made: a fit's cache copies them).
 */
const columnBuffers: Values[] = [];
let levelsBuffer = new Uint8Array(0);
const levelBuffer = (rows: number): Uint8Array => {
  if (levelsBuffer.length < rows) levelsBuffer = new Uint8Array(rows + (rows >> 3));
  return levelsBuffer.subarray(0, rows);
};
let chunkBuffer: Uint8Array = new Uint8Array(1 << 20);

const scratch = (buffer: Uint8Array, size: number): Uint8Array =>
  buffer.length >= size ? buffer : new Uint8Array(Math.max(size, buffer.length * 2));

/** One column chunk's `rows` values, with an Arrow validity bitmap if the column is optional. */
function readChunk(
  fd: number,
  meta: ColumnMetaData,
  element: SchemaElement & { type: PlainType },
  rows: number,
  position: number,
): { values: Values; valid: Uint8Array | undefined; nulls: number } {
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const size = Number(meta.total_compressed_size);
  chunkBuffer = scratch(chunkBuffer, size);
  const bytes = readAt(fd, chunkBuffer.subarray(0, size), start);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const kind = arrayOf[element.type];
  let buffer = columnBuffers[position];
  // Row groups differ by a few rows: room for an eighth more keeps the next one in the same buffer.
  if (!(buffer instanceof kind) || buffer.length < rows)
    columnBuffers[position] = buffer = new kind(rows + (rows >> 3));
  const values = buffer.subarray(0, rows);
  const optional = element.repetition_type === 'OPTIONAL';
  const levels = optional ? levelBuffer(rows) : undefined;
  let dictionary: Values | undefined;
  let row = 0;
  let anyNull = false;
  while (row < rows && reader.offset < bytes.length) {
    const header = parquetHeader(reader);
    const stored = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompress(stored, header.uncompressed_page_size, meta.codec);
      const count = header.dictionary_page_header!.num_values;
      dictionary = readPlain(pageReader(page), element.type, count, undefined).slice() as Values;
      continue;
    }
    let page: Uint8Array;
    let count: number;
    let encoding: string;
    // The page's definition levels (1 present, 0 null), into `levels` at the page's first row.
    let pageLevels: Uint8Array | undefined;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      count = daph.num_values;
      encoding = daph.encoding;
      page = decompress(stored, header.uncompressed_page_size, meta.codec);
      const from = pageReader(page);
      if (levels !== undefined) {
        pageLevels = levels.subarray(row, row + count);
        readRleBitPackedHybrid(from, 1, pageLevels);
      }
      page = page.subarray(from.offset);
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph = header.data_page_header_v2!;
      count = daph.num_values;
      encoding = daph.encoding;
      const levelBytes = daph.definition_levels_byte_length + daph.repetition_levels_byte_length;
      if (levels !== undefined) {
        pageLevels = levels.subarray(row, row + count);
        const from = pageReader(stored.subarray(daph.repetition_levels_byte_length, levelBytes));
        readRleBitPackedHybrid(from, 1, pageLevels, daph.definition_levels_byte_length);
      }
      page =
        daph.is_compressed === false
          ? stored.subarray(levelBytes)
          : decompress(stored.subarray(levelBytes), header.uncompressed_page_size - levelBytes, meta.codec);
    } else {
      continue;
    }
    if (row + count > rows) throw new Error(`a page of column "${element.name}" holds more values than its row group`);
    let present = count;
    if (pageLevels !== undefined) {
      // Most pages have no null: a native search says so without a loop over the levels.
      if (pageLevels.includes(0)) {
        present = 0;
        for (let i = 0; i < count; i++) present += pageLevels[i]!;
        anyNull = true;
      }
    }
    if (encoding === 'PLAIN' && present === count) {
      // PLAIN numbers are their little-endian bytes: copied as bytes, wherever the page puts them.
      const width = values.BYTES_PER_ELEMENT;
      if (page.length < count * width) throw new Error(`a page of column "${element.name}" ends early`);
      new Uint8Array(values.buffer, values.byteOffset + row * width, count * width).set(
        page.subarray(0, count * width),
      );
      row += count;
      continue;
    }
    const decoded = decodeValues(page, encoding, element, present, dictionary);
    if (present === count) values.set(decoded as never, row);
    else {
      // A null's place holds zero, as arrow-rs leaves it: the buffer is reused, and Arrow outputs write it.
      const zero = values instanceof BigInt64Array ? 0n : 0;
      for (let i = 0, k = 0; i < count; i++) values[row + i] = pageLevels![i] === 1 ? decoded[k++]! : zero;
    }
    row += count;
  }
  if (row !== rows) throw new Error(`column "${element.name}" holds ${row} values in a row group of ${rows} rows`);
  if (levels === undefined || !anyNull) return { values, valid: undefined, nulls: 0 };
  const valid = new Uint8Array((rows + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < rows; i++) {
    if (levels[i] === 1) valid[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return { values, valid, nulls };
}

const pageReader = (page: Uint8Array) => ({
  view: new DataView(page.buffer, page.byteOffset, page.byteLength),
  offset: 0,
});

/** A page's bytes as stored, uncompressed; snappy natively, the other codecs hyparquet has by itself. */
function decompress(stored: Uint8Array, size: number, codec: ColumnMetaData['codec']): Uint8Array {
  if (codec !== 'SNAPPY') return decompressPage(stored, size, codec, undefined);
  const page = snappy().uncompressSync(stored, V8_MANAGED) as Uint8Array;
  if (page.length !== size) throw new Error(`a page of ${page.length} bytes, where its header says ${size}`);
  return page;
}

/** The page's `present` values: PLAIN, split by byte, or indices into the chunk's dictionary. */
function decodeValues(
  page: Uint8Array,
  encoding: string,
  element: SchemaElement & { type: PlainType },
  present: number,
  dictionary: Values | undefined,
): ArrayLike<number | bigint> {
  if (present === 0) return [];
  if (encoding === 'PLAIN') return readPlain(pageReader(page), element.type, present, undefined) as Values;
  if (encoding === 'BYTE_STREAM_SPLIT')
    return byteStreamSplit(pageReader(page), present, element.type, undefined) as Values;
  if (encoding !== 'PLAIN_DICTIONARY' && encoding !== 'RLE_DICTIONARY') {
    throw new Error(`column "${element.name}" has a page in ${encoding}, not PLAIN, BYTE_STREAM_SPLIT or a dictionary`);
  }
  if (dictionary === undefined) throw new Error(`column "${element.name}" has a dictionary page missing`);
  const from = pageReader(page);
  const width = page[from.offset++]!;
  const indices = new Int32Array(present);
  if (width > 0) readRleBitPackedHybrid(from, width, indices, page.length - from.offset);
  const out = new (dictionary.constructor as new (n: number) => Values)(present);
  for (let i = 0; i < present; i++) {
    const index = indices[i]!;
    if (index >= dictionary.length) throw new Error(`column "${element.name}" has a dictionary index out of range`);
    out[i] = dictionary[index]!;
  }
  return out;
}
