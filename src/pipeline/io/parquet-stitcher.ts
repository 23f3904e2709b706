/**
 * One Parquet file from many: each batch arrives as a Parquet file of its own, written on a worker
 * (compute/columnar/parquet-doubles.ts or encode-parquet.ts); its column chunks are appended to the output as they are, and its
 * row groups' metadata, moved by where the chunks now start, joins the output's footer. The footer's codec
 * is the hyparquet pair's: hyparquet reads each file's metadata (parquet-footer.ts), hyparquet-writer
 * writes the output's.
 *
 * Invariant: every offset in the footer points at the same bytes it pointed at in the batch's own file.
 * The parts of a batch's file that hold offsets inside their own encoding (page indexes, bloom filters)
 * are not carried over; the batch files are written without statistics that would not read back exactly.
 */
import type { FileMetaData, RowGroup } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { BatchGradError } from '../../errors.js';
import { batchFileMetadata } from './parquet-footer.js';

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // PAR1

export class ParquetStitcher {
  /** Bytes handed to `append` so far: where the next batch's chunks start. */
  private position = 0;
  private first: FileMetaData | undefined;
  private readonly rowGroups: RowGroup[] = [];
  private rows = 0n;

  /** `append` writes bytes to the output in order, and calls `written` once it no longer needs them. */
  constructor(private readonly append: (bytes: Uint8Array, written?: () => void) => Promise<void>) {}

  /** One batch's Parquet file: its chunks go out now, its row groups into the footer. */
  async add(file: Uint8Array, written?: () => void): Promise<void> {
    const metadata = batchFileMetadata(file);
    if (this.first === undefined) {
      this.first = metadata;
      await this.write(MAGIC);
    } else if (
      metadata.schema.length !== this.first.schema.length ||
      metadata.schema.some(
        (element, i) => element.name !== this.first!.schema[i]!.name || element.type !== this.first!.schema[i]!.type,
      )
    ) {
      throw new BatchGradError('WORKER_FAILED', 'a batch of the Parquet output has another schema than the first', {});
    }
    if (metadata.row_groups.length === 0) {
      written?.();
      return;
    }
    const start = BigInt(MAGIC.length);
    let end = start;
    for (const group of metadata.row_groups)
      for (const column of group.columns) if (chunkEnd(column) > end) end = chunkEnd(column);
    if (end > BigInt(file.length - 8 - metadata.metadata_length)) {
      throw new BatchGradError('WORKER_FAILED', 'a batch of the Parquet output has column chunks past its footer', {});
    }
    // The chunks are the bytes from just after the batch file's magic to the end of its last chunk.
    const shift = BigInt(this.position) - start;
    for (const group of metadata.row_groups) this.rowGroups.push(moved(group, shift));
    this.rows += metadata.num_rows;
    await this.write(file.subarray(Number(start), Number(end)), written);
  }

  /** After the last batch (at least one, if only an empty one: it gives the schema), the footer. */
  async finish(): Promise<void> {
    if (this.first === undefined)
      throw new BatchGradError('WORKER_FAILED', 'a Parquet output needs at least one batch for its schema', {});
    const footer = new ByteWriter();
    writeMetadata(footer, { ...this.first, num_rows: this.rows, row_groups: this.rowGroups });
    footer.appendBytes(MAGIC);
    await this.write(new Uint8Array(footer.getBuffer()));
  }

  private async write(bytes: Uint8Array, written?: () => void): Promise<void> {
    this.position += bytes.length;
    await this.append(bytes, written);
  }
}

/** Where a column chunk's pages end (its dictionary page, if any, comes first). */
function chunkEnd(column: RowGroup['columns'][number]): bigint {
  const meta = column.meta_data!;
  return (meta.dictionary_page_offset ?? meta.data_page_offset) + meta.total_compressed_size;
}

/** A row group whose chunks moved by `shift` bytes; the page indexes and bloom filters left behind are dropped. */
function moved(group: RowGroup, shift: bigint): RowGroup {
  const { ordinal: _ordinal, ...rest } = group;
  return {
    ...rest,
    ...(group.file_offset === undefined ? {} : { file_offset: group.file_offset + shift }),
    columns: group.columns.map((column) => {
      const meta = column.meta_data!;
      const {
        offset_index_offset: _oi,
        offset_index_length: _ol,
        column_index_offset: _ci,
        column_index_length: _cl,
        ...chunk
      } = column;
      const { bloom_filter_offset: _bo, bloom_filter_length: _bl, ...kept } = meta;
      return {
        ...chunk,
        // Writers that still fill this deprecated field with a place, not 0, point it into the chunk.
        file_offset: column.file_offset === 0n ? 0n : column.file_offset + shift,
        meta_data: {
          ...kept,
          data_page_offset: meta.data_page_offset + shift,
          ...(meta.dictionary_page_offset === undefined
            ? {}
            : { dictionary_page_offset: meta.dictionary_page_offset + shift }),
          ...(meta.index_page_offset === undefined ? {} : { index_page_offset: meta.index_page_offset + shift }),
        },
      };
    }),
  };
}
