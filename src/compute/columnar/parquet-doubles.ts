/**
 * A batch's output as a Parquet file of REQUIRED DOUBLE columns, one row group, assembled from
 * hyparquet-writer's parts (page headers and footer in thrift) and the native snappy codec: a double's PLAIN encoding is its
 * eight little-endian bytes, so each page is a view of the computed column, compressed. No WebAssembly
 * module is compiled and no Arrow IPC copy made, which is most of what parquet-wasm costs a thread
 * (docs/performance.md). The file has what the arrow-rs writer gives these columns (encoding-parquet.ts):
 * DATA_PAGE pages in PLAIN, chunk statistics (min, max, no nulls), no dictionary, no page index.
 */
import os from 'node:os';
import type { ColumnChunk, FileMetaData } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { snappy, V8_MANAGED } from './libraries.js';

/** The codecs this writer has; a job with another goes to parquet-wasm. */
const DOUBLES_CODECS = { snappy: 'SNAPPY', none: 'UNCOMPRESSED' } as const;
export type DoublesCodec = keyof typeof DOUBLES_CODECS;
/**
 * Whether this writer takes the codec, on this machine: PLAIN is little-endian, and a Float64Array's bytes
 * are the machine's order (every platform Node supports but s390x is little-endian; there arrow-rs writes).
 */
export const isDoublesCodec = (codec: string): codec is DoublesCodec =>
  Object.hasOwn(DOUBLES_CODECS, codec) && os.endianness() === 'LE';

/** Values a page: 1 MiB of doubles, arrow-rs's default page size. */
const PAGE_VALUES = 1 << 17;

/** Snappy's output is at most 32 + n + n/6 bytes for n bytes in (a page's 32 is in BYTES_PER_PAGE). */
const SNAPPY_GROWTH = 7 / 6;

/** A page header and snappy's constant: at most this many bytes a page; a column's metadata, a file's fixed part. */
const BYTES_PER_PAGE = 96;
const BYTES_PER_COLUMN = 512;
const BYTES_FIXED = 4096;

/** The bytes a file of `columns` columns of `rows` rows can take at most. */
export const doublesFileBytes = (columns: number, rows: number): number =>
  Math.ceil(columns * (rows * 8 * SNAPPY_GROWTH + Math.ceil(rows / PAGE_VALUES) * BYTES_PER_PAGE + BYTES_PER_COLUMN)) +
  BYTES_FIXED;

/** A writer into `buffer` (a recycled one, if large enough), growing into a new one if it must. */
class BufferWriter extends ByteWriter {
  constructor(buffer: ArrayBuffer) {
    super(0);
    this.buffer = buffer;
    this.view = new DataView(buffer);
  }
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // PAR1

/** The file holding `rows` rows of `columns` (each at least `rows` long), named `names`. */
export function doublesParquetFile(
  names: readonly string[],
  columns: readonly Float64Array[],
  rows: number,
  codec: DoublesCodec,
  reuse?: ArrayBuffer,
): Uint8Array {
  const size = doublesFileBytes(names.length, rows);
  const writer = new BufferWriter(reuse !== undefined && reuse.byteLength >= size ? reuse : new ArrayBuffer(size));
  writer.appendBytes(MAGIC);
  const chunks: ColumnChunk[] = [];
  for (let j = 0; j < names.length && rows > 0; j++) {
    const column = columns[j]!;
    const start = writer.offset;
    let pages = 0;
    let uncompressed = 0;
    for (let from = 0; from < rows; from += PAGE_VALUES) {
      const count = Math.min(PAGE_VALUES, rows - from);
      const plain = new Uint8Array(column.buffer, column.byteOffset + from * 8, count * 8);
      const stored = codec === 'snappy' ? snappy().compressSync(plain, V8_MANAGED) : plain;
      const headerStart = writer.offset;
      writePageHeader(writer, {
        type: 'DATA_PAGE',
        uncompressed_page_size: plain.length,
        compressed_page_size: stored.length,
        data_page_header: {
          num_values: count,
          encoding: 'PLAIN',
          definition_level_encoding: 'RLE',
          repetition_level_encoding: 'RLE',
        },
      });
      uncompressed += writer.offset - headerStart + plain.length;
      writer.appendBytes(stored);
      pages++;
    }
    const { min, max } = extremes(column, rows);
    chunks.push({
      file_offset: 0n,
      meta_data: {
        type: 'DOUBLE',
        encodings: ['PLAIN'],
        path_in_schema: [names[j]!],
        codec: DOUBLES_CODECS[codec],
        num_values: BigInt(rows),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(writer.offset - start),
        data_page_offset: BigInt(start),
        statistics: {
          null_count: 0n,
          ...(min === undefined
            ? {}
            : { min, max, min_value: min, max_value: max, is_min_value_exact: true, is_max_value_exact: true }),
        },
        encoding_stats: [{ page_type: 'DATA_PAGE', encoding: 'PLAIN', count: pages }],
      },
    });
  }
  const metadata: FileMetaData = {
    version: 1,
    schema: [
      { name: 'schema', num_children: names.length },
      ...names.map((name) => ({ type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const, name })),
    ],
    num_rows: BigInt(rows),
    row_groups:
      rows === 0
        ? []
        : [
            {
              columns: chunks,
              total_byte_size: chunks.reduce((sum, c) => sum + c.meta_data!.total_uncompressed_size, 0n),
              num_rows: BigInt(rows),
              file_offset: BigInt(MAGIC.length),
              total_compressed_size: BigInt(writer.offset - MAGIC.length),
            },
          ],
    created_by: 'batch-grad',
    metadata_length: 0,
  };
  const footerStart = writer.offset;
  writeMetadata(writer, metadata);
  writer.appendUint32(writer.offset - footerStart);
  writer.appendBytes(MAGIC);
  return writer.getBytes();
}

/**
 * The least and greatest of the first `rows` values, NaN left out; a zero minimum is -0 and a zero
 * maximum +0, as the format asks, so a reader's filter never skips a zero of the other sign.
 */
function extremes(column: Float64Array, rows: number): { min?: number; max?: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let seen = false;
  for (let i = 0; i < rows; i++) {
    const value = column[i]!;
    if (Number.isNaN(value)) continue;
    seen = true;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!seen) return {};
  return { min: min === 0 ? -0 : min, max: max === 0 ? 0 : max };
}
