/**
 * The page-by-page Parquet writer of computed doubles, read back by readers that are not ours: every value
 * to the bit, in order, across pages (arrow-rs, and DuckDB after stitching); the chunk statistics
 * (hyparquet's footer reader) equal to those the arrow-rs writer gives the same columns; no rows; a
 * recycled buffer.
 */

import { DuckDBInstance } from '@duckdb/node-api';
import { makeVector, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { parquetFileOf } from '../../src/compute/columnar/encode-parquet.js';
import { doublesFileBytes, doublesParquetFile } from '../../src/compute/columnar/parquet-doubles.js';
import { ParquetStitcher } from '../../src/pipeline/io/parquet-stitcher.js';
import { temporaryFolder } from '../support/cli.js';
import { seededRandom } from '../support/seeded-random.js';

const names = ['f', 'df_dw', 'df_db'];

/** Three columns of `rows`: ordinary values, extremes and zeros of both signs, and NaN where asked. */
function columns(rows: number, seed: number, special = false): Float64Array[] {
  const random = seededRandom(seed);
  const made = names.map(() =>
    Float64Array.from({ length: rows }, () => (random() - 0.5) * 10 ** (random() * 20 - 10)),
  );
  if (special && rows >= 8) {
    made[0]!.set([-0, 0, Number.NaN, 5e-324, -Number.MAX_VALUE, Number.POSITIVE_INFINITY], 0);
    made[1]!.fill(0);
    made[1]![3] = -0;
    made[2]!.fill(Number.NaN);
  }
  return made;
}

/** Every value of a table's columns as its bits, column by column. */
const bitsOf = (table: Table): string[][] =>
  table.schema.fields.map((field) =>
    Array.from(new BigUint64Array(Float64Array.from(table.getChild(field.name)!.toArray()).buffer), String),
  );
const bitsOfColumns = (made: Float64Array[]): string[][] =>
  made.map((column) => Array.from(new BigUint64Array(Float64Array.from(column).buffer), String));

const arrowRs = (file: Uint8Array): Table => tableFromIPC(readParquet(file).intoIPCStream());

const statistics = (file: Uint8Array) =>
  parquetMetadata(file.slice().buffer).row_groups.flatMap((group) =>
    group.columns.map(({ meta_data }) => ({
      min: meta_data!.statistics?.min_value,
      max: meta_data!.statistics?.max_value,
      nulls: meta_data!.statistics?.null_count,
    })),
  );

describe('the Parquet writer of doubles', () => {
  it.each([
    ['snappy', 1000],
    ['none', 1000],
    ['snappy', 300_000],
  ] as const)('writes %s, %i rows, read back to the bit by arrow-rs', (codec, rows) => {
    const made = columns(rows, rows, true);
    const file = doublesParquetFile(names, made, rows, codec);
    expect(file.length).toBeLessThanOrEqual(doublesFileBytes(names.length, rows));
    const table = arrowRs(file);
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(
      names.map((name) => [name, 'Float64', false]),
    );
    expect(bitsOf(table)).toEqual(bitsOfColumns(made));
    const metadata = parquetMetadata(file.slice().buffer);
    const chunk = metadata.row_groups[0]!.columns[0]!.meta_data!;
    expect(chunk.codec).toBe(codec === 'snappy' ? 'SNAPPY' : 'UNCOMPRESSED');
    // 1 MiB pages, as arrow-rs writes.
    expect(chunk.encoding_stats).toEqual([
      { page_type: 'DATA_PAGE', encoding: 'PLAIN', count: Math.ceil(rows / 131072) },
    ]);
  });

  it('gives the chunk statistics the arrow-rs writer gives the same columns (NaN left out, zeros signed)', () => {
    for (const [rows, seed] of [
      [1000, 1],
      [500, 2],
    ] as const) {
      const made = columns(rows, seed, true);
      const table = new Table(Object.fromEntries(names.map((name, j) => [name, makeVector(made[j]!)])));
      const reference = parquetFileOf(tableToIPC(table, 'stream'), rows, 'snappy', []);
      const ours = statistics(doublesParquetFile(names, made, rows, 'snappy'));
      expect(ours).toEqual(statistics(reference));
      expect(Object.is(ours[1]!.min, -0) && Object.is(ours[1]!.max, 0)).toBe(true);
      expect(ours[2]).toEqual({ min: undefined, max: undefined, nulls: 0n });
    }
  });

  it('writes no rows as a file with the schema and no row group', async () => {
    const file = doublesParquetFile(names, [], 0, 'snappy');
    expect(parquetMetadata(file.slice().buffer).row_groups).toEqual([]);
    const folder = temporaryFolder();
    try {
      const path = `${folder.path}/empty.parquet`;
      await import('node:fs').then(({ writeFileSync }) => writeFileSync(path, file));
      const db = await (await DuckDBInstance.create(':memory:')).connect();
      expect((await db.runAndReadAll(`SELECT count(*) FROM '${path}'`)).getRows()).toEqual([[0n]]);
      const schema = (
        await db.runAndReadAll(`SELECT name, type FROM parquet_schema('${path}') WHERE type IS NOT NULL`)
      ).getRows();
      expect(schema).toEqual(names.map((name) => [name, 'DOUBLE']));
    } finally {
      folder.cleanup();
    }
  });

  it('writes into a recycled buffer that fits, and into a new one if it does not', () => {
    const made = columns(2000, 7);
    const fresh = doublesParquetFile(names, made, 2000, 'snappy');
    const recycled = new ArrayBuffer(doublesFileBytes(names.length, 2000));
    new Uint8Array(recycled).fill(0xab);
    const reused = doublesParquetFile(names, made, 2000, 'snappy', recycled);
    expect(reused.buffer).toBe(recycled);
    expect(Buffer.from(reused).equals(Buffer.from(fresh))).toBe(true);
    const small = new ArrayBuffer(100);
    const grown = doublesParquetFile(names, made, 2000, 'snappy', small);
    expect(grown.buffer).not.toBe(small);
    expect(Buffer.from(grown).equals(Buffer.from(fresh))).toBe(true);
  });

  it('stitches batches into one file that DuckDB reads in order, value for value', async () => {
    const parts = [columns(700, 11), columns(0, 12), columns(1300, 13, true)];
    const pieces: Uint8Array[] = [];
    const stitcher = new ParquetStitcher(async (bytes) => {
      pieces.push(bytes.slice());
    });
    for (const [k, part] of parts.entries()) {
      await stitcher.add(doublesParquetFile(names, part, part[0]?.length ?? 0, k === 1 ? 'none' : 'snappy'));
    }
    await stitcher.finish();
    const folder = temporaryFolder();
    try {
      const path = `${folder.path}/stitched.parquet`;
      await import('node:fs').then(({ writeFileSync }) => writeFileSync(path, Buffer.concat(pieces)));
      const db = await (await DuckDBInstance.create(':memory:')).connect();
      const got = (await db.runAndReadAll(`SELECT ${names.join(', ')} FROM '${path}'`)).getRows();
      const expected = parts.flatMap((part) =>
        Array.from({ length: part[0]?.length ?? 0 }, (_, i) => part.map((column) => column[i]!)),
      );
      expect(got.length).toBe(2000);
      for (const [i, row] of got.entries()) {
        for (const [j, value] of row.entries())
          expect(Object.is(value, expected[i]![j]), `row ${i} column ${j}`).toBe(true);
      }
    } finally {
      folder.cleanup();
    }
  });
});
