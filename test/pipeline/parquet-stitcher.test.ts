/**
 * The Parquet stitcher on files written the way the workers write them: the stitched file reads back as
 * the batches one after another, and every offset in its footer points at the same bytes as in the batch
 * it came from.
 */

import { Table, tableFromArrays, tableFromIPC, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { parquetFileOf } from '../../src/compute/columnar/encode-parquet.js';
import { ParquetStitcher } from '../../src/pipeline/io/parquet-stitcher.js';

/** A batch as a worker writes it: a kept text column and two doubles. */
function batchFile(first: number, rows: number, compression: 'snappy' | 'zstd' = 'snappy'): Uint8Array {
  const table = new Table({
    tag: vectorFromArray(
      Array.from({ length: rows }, (_, i) => `t${(first + i) % 5}`),
      new Utf8(),
    ),
    f: vectorFromArray(Float64Array.from({ length: rows }, (_, i) => Math.sin(first + i) / 3)),
    df_db: vectorFromArray(Float64Array.from({ length: rows }, (_, i) => (first + i) * 1e-300)),
  });
  return parquetFileOf(tableToIPC(table, 'stream'), rows, compression, ['tag']);
}

async function stitched(files: Uint8Array[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const stitcher = new ParquetStitcher(async (bytes, written) => {
    parts.push(bytes.slice());
    if (written === undefined) return;
    written();
    // As the run does: a written batch's buffer moves to a worker for reuse, so the stitcher keeps no view of it.
    structuredClone(bytes.buffer, { transfer: [bytes.buffer as ArrayBuffer] });
  });
  // A copy each: the originals stay for the comparisons, the copies are given away once written.
  const copies = files.map((file) => file.slice());
  for (const copy of copies) await stitcher.add(copy, () => undefined);
  await stitcher.finish();
  expect(copies.filter((copy) => copy.byteLength > 0).length).toBe(
    files.filter((file) => parquetMetadata(file).num_rows === 0n).length,
  );
  return Buffer.concat(parts);
}

describe('stitching Parquet files', () => {
  it('reads back as the batches in order, every chunk where its footer says', async () => {
    const files = [
      batchFile(0, 1000),
      batchFile(1000, 1),
      batchFile(1001, 2500, 'zstd'),
      batchFile(3501, 0),
      batchFile(3501, 499),
    ];
    const out = await stitched(files);
    const table = tableFromIPC(readParquet(out).intoIPCStream());
    expect(table.numRows).toBe(4000);
    expect(Array.from(table.getChild('f')!.toArray() as Float64Array)).toEqual(
      Array.from({ length: 4000 }, (_, i) => Math.sin(i) / 3),
    );
    expect(Array.from(table.getChild('df_db')!.toArray() as Float64Array)).toEqual(
      Array.from({ length: 4000 }, (_, i) => i * 1e-300),
    );
    expect(table.getChild('tag')!.get(3999)).toBe('t4');

    const metadata = parquetMetadata(out);
    expect(metadata.num_rows).toBe(4000n);
    const sources = files.filter((file) => parquetMetadata(file).num_rows > 0n);
    expect(metadata.row_groups.map((group) => group.num_rows)).toEqual([1000n, 1n, 2500n, 499n]);
    for (const [g, group] of metadata.row_groups.entries()) {
      const file = sources[g]!;
      const source = parquetMetadata(file).row_groups[0]!;
      for (const [c, column] of group.columns.entries()) {
        const from = source.columns[c]!.meta_data!;
        const to = column.meta_data!;
        // The same statistics, codec and sizes; the same page bytes at the moved offsets.
        expect({ ...to, data_page_offset: 0n, dictionary_page_offset: 0n }).toEqual({
          ...from,
          data_page_offset: 0n,
          dictionary_page_offset: 0n,
        });
        const start = Number(from.dictionary_page_offset ?? from.data_page_offset);
        const moved = Number(to.dictionary_page_offset ?? to.data_page_offset);
        const size = Number(from.total_compressed_size);
        expect(
          Buffer.from(out.subarray(moved, moved + size)).equals(Buffer.from(file.subarray(start, start + size))),
        ).toBe(true);
        expect(column.offset_index_offset).toBeUndefined();
      }
    }
    expect(metadata.row_groups[0]!.columns[1]!.meta_data!.statistics).toMatchObject({ null_count: 0n });
    expect(metadata.row_groups[0]!.columns[0]!.meta_data!.statistics).toBeUndefined();
  });

  it('writes the schema of an empty batch when there is no other', async () => {
    const out = await stitched([batchFile(0, 0)]);
    const metadata = parquetMetadata(out);
    expect(metadata.num_rows).toBe(0n);
    expect(metadata.schema.map((element) => element.name)).toEqual(['arrow_schema', 'tag', 'f', 'df_db']);
  });

  it('refuses a batch that is not Parquet, or has another schema', async () => {
    const stitcher = new ParquetStitcher(async () => undefined);
    await expect(stitcher.add(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).rejects.toMatchObject({
      code: 'WORKER_FAILED',
    });
    await stitcher.add(batchFile(0, 10));
    const other = parquetFileOf(tableToIPC(tableFromArrays({ g: new Float64Array(3) }), 'stream'), 3, 'snappy', []);
    await expect(stitcher.add(other)).rejects.toMatchObject({ code: 'WORKER_FAILED' });
  });
});
