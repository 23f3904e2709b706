/**
 * The page-by-page reader of plain numeric Parquet columns against parquet-wasm (arrow-rs), on files
 * written by DuckDB and by hyparquet-writer: for every row group it reads, the same Arrow types, values,
 * nulls and validity; and it leaves to parquet-wasm every row group it does not read.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Float64, Int64, Table, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  Compression,
  Table as ParquetTable,
  readParquet,
  WriterPropertiesBuilder,
  WriterVersion,
  writeParquet,
} from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPlainRowGroup } from '../../src/compute/columnar/parquet-pages.js';
import { temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const NUMBERS = ['id', 'd', 'dict', 'i32', 'f32'];

beforeAll(async () => {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  // Nulls in three columns, a column of five values (a dictionary), and every plain numeric type.
  await db.run(`CREATE TABLE t AS SELECT i::BIGINT AS id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE ((i - 2500) * 0.37)::DOUBLE END AS d,
      CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 5)::DOUBLE END AS dict,
      (i * 7919 - 20000000)::INTEGER AS i32, CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 0.25)::FLOAT END AS f32,
      'x' || i AS s, (i / 8)::DECIMAL(9, 3) AS dec FROM range(5000) r(i)`);
  for (const [name, options] of [
    ['v1-snappy', 'COMPRESSION snappy'],
    ['v1-none', 'COMPRESSION uncompressed'],
    ['v2-snappy', 'COMPRESSION snappy, PARQUET_VERSION V2'],
    ['v1-zstd', 'COMPRESSION zstd'],
  ]) {
    await db.run(`COPY t TO '${at(`${name}.parquet`)}' (FORMAT parquet, ${options}, ROW_GROUP_SIZE 1024)`);
  }
  // Nulls in many pages a chunk, written by arrow-rs (parquet-wasm) in v1 and in v2 pages (v2 writes its
  // integers DELTA_BINARY_PACKED, which is left to parquet-wasm).
  const n = 4000;
  const withNulls = new Table({
    d: vectorFromArray(
      Array.from({ length: n }, (_, i) => (i % 9 === 4 ? null : (i - 1000) / 7)),
      new Float64(),
    ),
    n: vectorFromArray(
      Array.from({ length: n }, (_, i) => (i % 13 === 6 ? null : BigInt(i) * 1000003n - 5n)),
      new Int64(),
    ),
  });
  for (const [name, version] of [
    ['arrow-v1', WriterVersion.V1],
    ['arrow-v2', WriterVersion.V2],
  ] as const) {
    const properties = new WriterPropertiesBuilder()
      .setCompression(Compression.SNAPPY)
      .setDataPageSizeLimit(1024)
      .setMaxRowGroupSize(1500)
      .setWriterVersion(version)
      .setDictionaryEnabled(false)
      .build();
    writeFileSync(
      at(`${name}.parquet`),
      writeParquet(ParquetTable.fromIPCStream(tableToIPC(withNulls, 'stream')), properties),
    );
  }
  // REQUIRED columns in DATA_PAGE_V2 pages, several a chunk.
  const rows = 3000;
  writeFileSync(
    at('required-v2.parquet'),
    new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          {
            name: 'x',
            data: Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 1e-300),
            type: 'DOUBLE',
            nullable: false,
          },
          {
            name: 'n',
            data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 3n ** 30n),
            type: 'INT64',
            nullable: false,
          },
        ],
        pageSize: 4096,
        rowGroupSize: 1000,
      }),
    ),
  );
});
afterAll(folder.cleanup);

/** parquet-wasm's table for the row group's columns. */
function reference(file: string, rowGroup: number, columns: string[]): Table {
  const bytes = new Uint8Array(readFileSync(file));
  return tableFromIPC(readParquet(bytes, { rowGroups: [rowGroup], columns }).intoIPCStream());
}

/** A column as [type, nulls, values (null where null)], comparable across the two apache-arrow builds. */
function described(table: Table, name: string): unknown[] {
  const vector = table.getChild(name)!;
  const values = Array.from({ length: vector.length }, (_, i) => {
    const value = vector.get(i) as unknown;
    return typeof value === 'number' ? (Object.is(value, -0) ? '-0' : value) : value;
  });
  return [String(vector.type), vector.nullCount, values];
}

describe('the plain Parquet reader', () => {
  it.each([
    ['v1-snappy', NUMBERS],
    ['v1-none', NUMBERS],
    // DuckDB's version 2: doubles split by byte, a dictionary, in DATA_PAGE_V2 pages.
    ['v2-snappy', ['d', 'dict', 'f32']],
    ['required-v2', ['x', 'n']],
    // Nulls in pages after the first, v1 and v2, from arrow-rs.
    ['arrow-v1', ['d', 'n']],
    ['arrow-v2', ['d']],
  ])('reads %s as parquet-wasm does: types, values, nulls', (name, columns) => {
    const file = at(`${name}.parquet`);
    for (let rowGroup = 0; rowGroup < 3; rowGroup++) {
      for (const asked of [columns, ...columns.map((c) => [c])]) {
        const table = readPlainRowGroup(file, rowGroup, asked);
        expect(table, `${name} row group ${rowGroup} ${asked}`).toBeDefined();
        const expected = reference(file, rowGroup, asked);
        expect(table!.numRows).toBe(expected.numRows);
        for (const column of asked) expect(described(table!, column)).toEqual(described(expected, column));
      }
    }
  });

  it('has read chunks of many pages with nulls in them (the arrow-rs files)', () => {
    for (const name of ['arrow-v1', 'arrow-v2']) {
      const bytes = readFileSync(at(`${name}.parquet`));
      const chunk = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
        .row_groups[0]!.columns[0]!.meta_data!;
      const pages = chunk.encoding_stats!.filter((s) => s.page_type.startsWith('DATA_PAGE'));
      expect(pages.reduce((sum, s) => sum + s.count, 0)).toBeGreaterThan(4);
      expect(readPlainRowGroup(at(`${name}.parquet`), 0, ['d'])!.getChild('d')!.nullCount).toBe(167);
    }
  });

  it('has read nulls, a dictionary, and values of every plain type', () => {
    const table = readPlainRowGroup(at('v1-snappy.parquet'), 0, NUMBERS)!;
    expect(NUMBERS.map((c) => [String(table.getChild(c)!.type), table.getChild(c)!.nullCount > 0])).toEqual([
      ['Int64', false],
      ['Float64', true],
      ['Float64', true],
      ['Int32', false],
      ['Float32', true],
    ]);
  });

  it.each([
    ['v1-zstd', ['d']],
    ['v1-snappy', ['d', 's']],
    ['v1-snappy', ['dec']],
    ['v2-snappy', ['id']],
    ['arrow-v2', ['n']],
    ['v1-snappy', []],
  ])('leaves %s %j to parquet-wasm', (name, columns) => {
    expect(readPlainRowGroup(at(`${name}.parquet`), 0, columns)).toBeUndefined();
  });
});
