/**
 * Parquet, Arrow and JSON Lines through the built CLI, on files written by DuckDB (a real writer, not
 * ours): every format in gives the same numbers, bit for bit, as CSV in; every format out is read back by
 * DuckDB or apache-arrow with identical values; bad rows are located in every format.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, temporaryFolder } from '../support/cli.js';
import { writeGeneratedCsv } from '../support/generate.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const read = (name: string): string => readFileSync(at(name), 'utf8');
let db: DuckDBConnection;
const rows = async (sql: string): Promise<unknown[][]> => (await db.runAndReadAll(sql)).getRows();

beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
  await writeGeneratedCsv(at('data.csv'), { rows: 5000, features: 2, seed: 31 });
  // DuckDB reads the CSV's shortest-round-trip numbers to the same doubles, so every format holds the same values.
  await db.run(`CREATE TABLE data AS SELECT * FROM read_csv('${at('data.csv')}')`);
  await db.run(`COPY data TO '${at('data.jsonl')}' (FORMAT json)`);
  for (const codec of ['snappy', 'zstd', 'gzip', 'uncompressed']) {
    await db.run(
      `COPY data TO '${at(`data-${codec}.parquet`)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1024)`,
    );
  }
  const arrowTable = tableFromIPC(
    Buffer.from(
      await (await import('parquet-wasm')).readParquet(readFileSync(at('data-snappy.parquet'))).intoIPCStream(),
    ),
  );
  writeFileSync(at('data.arrow'), tableToIPC(arrowTable, 'file'));
  writeFileSync(at('data.arrows'), tableToIPC(arrowTable, 'stream'));
});
afterAll(folder.cleanup);

describe('reading every format', () => {
  it.each([
    'data.jsonl',
    'data-snappy.parquet',
    'data-zstd.parquet',
    'data-gzip.parquet',
    'data-uncompressed.parquet',
    'data.arrow',
    'data.arrows',
  ])('%s gives exactly the bytes and sums the CSV gives', async (file) => {
    const csv = await runCli([
      at('data.csv'),
      '-o',
      at('ref.csv'),
      '--keep',
      'id',
      '--summary',
      at('ref.json'),
      '--batch-size',
      '700',
    ]);
    expect(csv.code).toBe(0);
    const result = await runCli([
      at(file),
      '-o',
      at(`${file}.csv`),
      '--keep',
      'id',
      '--summary',
      at(`${file}.json`),
      '--threads',
      '2',
    ]);
    expect(result.stderr).not.toMatch(/batch-grad:/);
    expect(result.code).toBe(0);
    expect(read(`${file}.csv`)).toBe(read('ref.csv'));
    const columns = (name: string): unknown => (JSON.parse(read(name)) as { columns: unknown }).columns;
    expect(columns(`${file}.json`)).toEqual(columns('ref.json'));
  });

  it('reads Arrow and JSON Lines from stdin with --from', async () => {
    const expected = (await runCli([at('data.csv'), '-o', '-', '--keep', 'id'])).stdout;
    for (const [file, format] of [
      ['data.arrows', 'arrows'],
      ['data.jsonl', 'jsonl'],
    ] as const) {
      const result = await runCli(['-', '--from', format, '-o', '-', '--keep', 'id'], {
        stdin: readFileSync(at(file)),
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(expected);
    }
    const parquet = await runCli(['-', '--from', 'parquet', '-o', '-'], {
      stdin: readFileSync(at('data-snappy.parquet')),
    });
    expect(parquet.code).toBe(2);
    expect(parquet.stderr).toMatch(
      /Parquet cannot be read from stdin: its index is at the end of the file; give the file \[INVALID_OPTION\]/,
    );
  });

  it('gives every row for a model of parameters only, which reads no column', async () => {
    const expected = (await runCli([at('data.csv'), '-o', '-', '-e', 'w*w', '--param', 'w=3'])).stdout;
    expect(expected.trimEnd().split('\n')).toHaveLength(5001);
    for (const file of ['data-snappy.parquet', 'data.jsonl', 'data.arrow']) {
      const result = await runCli([at(file), '-o', '-', '-e', 'w*w', '--param', 'w=3']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(expected);
    }
  });

  it('reads a row group too large for one read in groups of columns, with the same result', async () => {
    // 150,000 rows of 10 double columns in one row group: 12 MB of column chunks, read 8 MB at a time.
    await writeGeneratedCsv(at('wide150k.csv'), { rows: 150_000, features: 4, seed: 9 });
    await db.run(
      `COPY (SELECT * FROM read_csv('${at('wide150k.csv')}')) TO '${at('wide150k.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 150000)`,
    );
    expect(
      await rows(
        `SELECT count(DISTINCT row_group_id), sum(total_uncompressed_size) > 8 * 1024 * 1024 FROM parquet_metadata('${at('wide150k.parquet')}')`,
      ),
    ).toEqual([[1n, true]]);
    const parquet = await runCli([at('wide150k.parquet'), '-o', at('wide150k.out.csv'), '--keep', 'id']);
    const csv = await runCli([at('wide150k.csv'), '-o', at('wide150k.ref.csv'), '--keep', 'id']);
    expect(parquet.code).toBe(0);
    expect(csv.code).toBe(0);
    expect(read('wide150k.out.csv') === read('wide150k.ref.csv')).toBe(true);
  });

  it('reads integer, float, decimal, nullable, required and dictionary-encoded columns as the nearest float64', async () => {
    await db.run(`COPY (SELECT i::INTEGER AS w1, (i * 0.25)::FLOAT AS x1, (i / 8)::DECIMAL(18,3) AS b, (i % 3)::BIGINT AS x2,
      ['a','b','c'][i % 3 + 1] AS tag, 1::DOUBLE AS w2 FROM range(1, 3001) t(i)) TO '${at('types.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    await db.run(
      `COPY (SELECT w1::DOUBLE AS w1, x1::DOUBLE AS x1, b::DOUBLE AS b, x2::DOUBLE AS x2, tag, w2 FROM '${at('types.parquet')}') TO '${at('types.csv')}' (FORMAT csv)`,
    );
    const parquet = await runCli([at('types.parquet'), '-o', '-', '--keep', 'tag']);
    const csv = await runCli([at('types.csv'), '-o', '-', '--keep', 'tag']);
    expect(parquet.code).toBe(0);
    expect(parquet.stdout).toBe(csv.stdout);
    const schema = await rows(
      `SELECT name, type, repetition_type FROM parquet_schema('${at('types.parquet')}') WHERE name = 'b'`,
    );
    expect(schema[0]).toEqual(['b', 'INT64', 'OPTIONAL']);
  });
});

describe('writing every format', () => {
  it("writes Parquet that DuckDB reads back with identical values, non-nullable DOUBLE results and the kept column's type", async () => {
    for (const codec of ['snappy', 'zstd', 'none']) {
      const result = await runCli([
        at('data-snappy.parquet'),
        '-o',
        at(`out-${codec}.parquet`),
        '--keep',
        'id',
        '--compression',
        codec,
      ]);
      expect(result.code).toBe(0);
      const back = await rows(`SELECT * FROM '${at(`out-${codec}.parquet`)}' ORDER BY id`);
      const csv = await rows(`SELECT * FROM read_csv('${at('ref.csv')}') ORDER BY id`);
      expect(back).toEqual(csv);
      const schema = await rows(
        `SELECT name, type, repetition_type FROM parquet_schema('${at(`out-${codec}.parquet`)}') WHERE name IN ('id', 'f', 'df_db')`,
      );
      expect(schema).toEqual([
        ['id', 'INT64', 'OPTIONAL'],
        ['f', 'DOUBLE', 'REQUIRED'],
        ['df_db', 'DOUBLE', 'REQUIRED'],
      ]);
    }
    const codecs = await rows(`SELECT DISTINCT compression FROM parquet_metadata('${at('out-zstd.parquet')}')`);
    expect(codecs).toEqual([['ZSTD']]);
  });

  it('keeps columns of every fixed-width and variable type exactly, nanoseconds included, with and without skipped rows', async () => {
    const keep = 's,ts,tsn,d,dec,flag,n32,n64,maybe,f32';
    await db.run(`COPY (SELECT i::DOUBLE AS w1, CASE WHEN i % 11 = 0 THEN NULL ELSE i * 0.5 END AS x1, 0.25 AS b, 'tag' || (i % 7) AS s,
      TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS ts, make_timestamp_ns(1704067200000000000 + i * 1000003) AS tsn,
      DATE '2020-01-01' + i::INTEGER AS d, (i / 8)::DECIMAL(18,3) AS dec, i % 2 = 0 AS flag, i::INTEGER AS n32, i::BIGINT * 1000000007 AS n64,
      CASE WHEN i % 5 = 0 THEN NULL ELSE i END AS maybe, i::FLOAT / 3 AS f32 FROM range(1, 3001) t(i)) TO '${at('kept.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    for (const [where, extra] of [
      ['WHERE x1 IS NOT NULL', ['--on-error', 'skip']],
      ['', ['-e', 'w1*b']],
    ] as const) {
      const result = await runCli([
        at('kept.parquet'),
        '-o',
        at('kept.out.parquet'),
        '--keep',
        keep,
        '--batch-size',
        '700',
        '--threads',
        '2',
        ...extra,
      ]);
      expect(result.code).toBe(0);
      const text = async (file: string, filter: string): Promise<string> =>
        JSON.stringify(
          await rows(
            `SELECT ${keep
              .split(',')
              .map((c) => `${c}::VARCHAR`)
              .join(', ')} FROM '${at(file)}' ${filter}`,
          ),
        );
      expect(await text('kept.out.parquet', '')).toBe(await text('kept.parquet', where));
      const types = async (file: string): Promise<unknown[]> =>
        (await rows(`DESCRIBE SELECT ${keep} FROM '${at(file)}'`)).map((r) => r[1]);
      expect(await types('kept.out.parquet')).toEqual(await types('kept.parquet'));
    }
  });

  it('writes kept decimals, dates, times and timestamps to text as their exact values, not as JavaScript numbers', async () => {
    await db.run(`COPY (SELECT 1.0 AS w1, 2.0 AS x1, 0.5 AS b, (-5 / 100)::DECIMAL(18,3) AS dec, 12345678901234.5678::DECIMAL(38,4) AS big,
      DATE '2020-01-02' AS d, TIME '12:34:56.789' AS t, TIMESTAMP '2024-01-01 00:00:01' AS ts, make_timestamp_ns(1704067200000000000 + 1000003) AS tsn,
      TIMESTAMPTZ '2024-05-06 07:08:09.5+00' AS tz) TO '${at('typed.parquet')}' (FORMAT parquet)`);
    const keep = 'dec,big,d,t,ts,tsn,tz';
    const csv = await runCli([at('typed.parquet'), '-o', '-', '--keep', keep]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[1]!.split(',').slice(0, 7)).toEqual([
      '-0.050',
      '12345678901234.5678',
      '2020-01-02',
      '12:34:56.789',
      '2024-01-01T00:00:01',
      '2024-01-01T00:00:00.001000003',
      '2024-05-06T07:08:09.5Z',
    ]);
    const jsonl = await runCli([at('typed.parquet'), '-o', '-', '--to', 'jsonl', '--keep', keep]);
    expect(jsonl.stdout).toMatch(
      /^\{"dec":-0\.050,"big":12345678901234\.5678,"d":"2020-01-02","t":"12:34:56\.789","ts":"2024-01-01T00:00:01","tsn":"2024-01-01T00:00:00\.001000003","tz":"2024-05-06T07:08:09\.5Z",/,
    );
  });

  it("stitches the workers' row groups into one file whose footer DuckDB trusts: plain doubles, exact statistics", async () => {
    // 5000 JSON lines in batches of 700, on 3 threads: 8 row groups, each written by whichever thread computed it.
    const result = await runCli([
      at('data.jsonl'),
      '-o',
      at('stitched.parquet'),
      '--keep',
      'id',
      '--batch-size',
      '700',
      '--threads',
      '3',
    ]);
    expect(result.code).toBe(0);
    // The kept id is text here (JSON Lines in); the reference CSV reads it back as a number.
    const back = await rows(`SELECT * REPLACE (id::BIGINT AS id) FROM '${at('stitched.parquet')}' ORDER BY id`);
    expect(back).toEqual(await rows(`SELECT * FROM read_csv('${at('ref.csv')}') ORDER BY id`));
    const groups =
      await rows(`SELECT row_group_id, any_value(row_group_num_rows), string_agg(DISTINCT encodings) FROM parquet_metadata('${at('stitched.parquet')}')
      WHERE path_in_schema <> 'id' GROUP BY 1 ORDER BY 1`);
    expect(groups.map((g) => g[1])).toEqual([700n, 700n, 700n, 700n, 700n, 700n, 700n, 100n]);
    expect(new Set(groups.map((g) => g[2]))).toEqual(new Set(['PLAIN, RLE']));
    // Each row group's statistics for f are the min and max of its own rows (ids 1 to 5000 in order, 700 a group).
    const stats = await rows(
      `SELECT row_group_id, stats_min, stats_max FROM parquet_metadata('${at('stitched.parquet')}') WHERE path_in_schema = 'f' ORDER BY 1`,
    );
    const actual = await rows(
      `SELECT (id::BIGINT - 1) // 700, min(f), max(f) FROM '${at('stitched.parquet')}' GROUP BY 1 ORDER BY 1`,
    );
    expect(stats.map(([g, min, max]) => [BigInt(g as bigint), Number(min), Number(max)])).toEqual(
      actual.map(([g, min, max]) => [BigInt(g as bigint), min, max]),
    );
    // A filter DuckDB answers by skipping row groups on those statistics counts what a full scan counts.
    const threshold = Number(actual[3]![2] as number);
    expect(await rows(`SELECT count(*) FROM '${at('stitched.parquet')}' WHERE f >= ${threshold}`)).toEqual(
      await rows(`SELECT count(*) FROM read_csv('${at('ref.csv')}') WHERE f >= ${threshold}`),
    );
  });

  it("cuts a Parquet output into row groups of DuckDB's size by default, whatever the input", async () => {
    await writeGeneratedCsv(at('rows150k.csv'), { rows: 150_000, features: 2, seed: 5 });
    await db.run(`COPY (SELECT * FROM read_csv('${at('rows150k.csv')}')) TO '${at('rows150k.jsonl')}' (FORMAT json)`);
    const groups = async (file: string): Promise<unknown[]> =>
      (await rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${file}') ORDER BY 1`)).map(
        (r) => r[1],
      );
    for (const [input, stdin] of [
      ['rows150k.csv', false],
      ['rows150k.csv', true],
      ['rows150k.jsonl', false],
    ] as const) {
      const result = stdin
        ? await runCli(['-', '-o', at('groups.parquet'), '--threads', '2'], { stdin: readFileSync(at(input)) })
        : await runCli([at(input), '-o', at('groups.parquet'), '--threads', '2']);
      expect(result.code).toBe(0);
      const sizes = await groups(at('groups.parquet'));
      // A file is cut by bytes, so its row groups come near 122,880 rows; a stream's and JSON Lines' exactly.
      expect(sizes.length).toBe(2);
      expect(Number(sizes[0])).toBeGreaterThan(100_000);
      expect(sizes.reduce((total: number, n) => total + Number(n), 0)).toBe(150_000);
    }
  });

  it('writes Arrow files and streams, and JSON Lines, with the same values as CSV', async () => {
    const csv = await rows(`SELECT * FROM read_csv('${at('ref.csv')}') ORDER BY id`);
    for (const out of ['out.arrow', 'out.arrows']) {
      expect((await runCli([at('data.csv'), '-o', at(out), '--keep', 'id'])).code).toBe(0);
      const table = tableFromIPC(readFileSync(at(out)));
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`).slice(0, 3)).toEqual([
        'id:Utf8:true',
        'f:Float64:false',
        'df_dw1:Float64:false',
      ]);
      expect(table.toArray().map((row) => Object.values(row.toJSON()).map(Number))).toEqual(
        csv.map((row) => row.map(Number)),
      );
    }
    expect((await runCli([at('data.csv'), '-o', at('out.jsonl'), '--keep', 'id'])).code).toBe(0);
    const lines = read('out.jsonl')
      .trimEnd()
      .split('\n')
      .map((line) => Object.values(JSON.parse(line) as object).map(Number));
    expect(lines).toEqual(csv.map((row) => row.map(Number)));
    const stdout = spawnSync(process.execPath, [CLI, at('data.csv'), '-o', '-', '--to', 'arrows']);
    expect(tableFromIPC(stdout.stdout).numRows).toBe(5000);
  });

  it('writes an output with no rows with its schema', async () => {
    writeFileSync(at('empty.csv'), 'w1,x1,b\n');
    expect((await runCli([at('empty.csv'), '-o', at('empty.parquet')])).code).toBe(0);
    expect(await rows(`SELECT count(*) FROM '${at('empty.parquet')}'`)).toEqual([[0n]]);
    const schema = await rows(`SELECT name FROM parquet_schema('${at('empty.parquet')}') WHERE type IS NOT NULL`);
    expect(schema.map((r) => r[0])).toEqual(['f', 'df_dw1', 'df_dx1', 'df_db']);
  });
});

describe('bad rows in every format', () => {
  beforeAll(async () => {
    await db.run(`COPY (SELECT i AS id, CASE WHEN i = 1500 THEN NULL ELSE 1.5 END AS w1, CASE WHEN i = 2600 THEN 'NaN'::DOUBLE ELSE 2 END AS x1, 0.5 AS b
      FROM range(1, 3001) t(i)) TO '${at('bad.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    writeFileSync(
      at('bad.jsonl'),
      '{"w1":1,"x1":2,"b":0}\n{"w1":1,"b":0}\n{"w1":null,"x1":2,"b":0}\n{"w1":"1","x1":2,"b":0}\nnot json\n{"w1":1,"x1":2,"b":0}\n',
    );
  });

  it('locates a null and a NaN in Parquet by row and row group, and skips them with --on-error skip', async () => {
    // Row groups are numbered from 0, as DuckDB's and Arrow's metadata number them.
    const groups = await rows(
      `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${at('bad.parquet')}') ORDER BY 1`,
    );
    const groupOf = (row: number): number => {
      let first = 1;
      for (const [id, count] of groups as Array<[bigint, bigint]>) {
        if (row < first + Number(count)) return Number(id);
        first += Number(count);
      }
      return -1;
    };
    const failed = await runCli([at('bad.parquet'), '-o', at('bad.out.parquet')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      `bad.parquet: row 1500 (row group ${groupOf(1500)}), column "w1": null [FIELD_NULL]`,
    );
    const skipped = await runCli([
      at('bad.parquet'),
      '-o',
      at('bad.out.csv'),
      '--on-error',
      'skip',
      '--rejects',
      at('bad.rej.csv'),
      '--keep',
      'id',
    ]);
    expect(skipped.code).toBe(0);
    expect(read('bad.rej.csv')).toMatch(
      new RegExp(
        `^row,code,reason,values\n1500,FIELD_NULL,.*\n2600,FIELD_NAN,.*row 2600 \\(row group ${groupOf(2600)}\\), column ""x1"": not a finite number: NaN`,
      ),
    );
    expect(read('bad.out.csv').trimEnd().split('\n')).toHaveLength(2999);
    // The rejected row's text holds the columns read, as JSON (a 64-bit integer as its digits).
    const row = read('bad.rej.csv').split('\n')[1]!;
    expect(JSON.parse(row.slice(row.indexOf(',"{') + 2, -1).replaceAll('""', '"'))).toMatchObject({
      w1: null,
      id: '1500',
    });
  });

  it('locates a missing key, a null, a non-number and a line that is not JSON, by line', async () => {
    const failed = await runCli([at('bad.jsonl'), '-o', '-']);
    expect(failed.stderr).toMatch(/bad\.jsonl:2: no key "x1" \[FIELD_MISSING\]/);
    const skipped = await runCli([
      at('bad.jsonl'),
      '-o',
      '-',
      '--on-error',
      'skip',
      '--rejects',
      at('bad.jsonl.rej.csv'),
    ]);
    expect(skipped.code).toBe(0);
    expect(
      read('bad.jsonl.rej.csv')
        .split('\n')
        .slice(1, 5)
        .map((line) => line.split(',').slice(0, 2).join(',')),
    ).toEqual(['2,FIELD_MISSING', '3,FIELD_NULL', '4,FIELD_NOT_A_NUMBER', '5,JSON_SYNTAX']);
    expect(skipped.stderr).toMatch(/rows: 6 read, 2 written, 4 rejected/);
  });

  it('says when a file is not the format its name says', async () => {
    const result = await runCli([at('data.csv'), '--from', 'parquet', '-o', '-']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a Parquet file, or damaged.*\[FORMAT_INVALID\]/);
  });
});

describe('Arrow in the library', () => {
  it("turns an Arrow table into a table of results, equal to the CLI's, and takes record batches as a stream", async () => {
    const { gradientsTable, gradients } = await import('../../src/index.js');
    const input = tableFromIPC(readFileSync(at('data.arrow')));
    const result = await gradientsTable(input, { keep: ['id'], threads: 2, batchSize: 1500 });
    const cli = tableFromIPC(readFileSync(at('out.arrow')));
    expect(result.numRows).toBe(5000);
    expect(result.schema.fields.map((f) => f.name)).toEqual(cli.schema.fields.map((f) => f.name));
    // The CLI wrote the CSV's id (text); here id keeps the table's Int64 type. The numbers are the same bits.
    expect(String(result.schema.fields[0]!.type)).toBe('Int64');
    for (const name of ['f', 'df_dw1', 'df_db'])
      expect(result.getChild(name)!.toArray()).toEqual(cli.getChild(name)!.toArray());
    const job = gradients(input.batches, { input: 'arrow', threads: 2 });
    let rows = 0;
    for await (const batch of job) rows += batch.numRows;
    expect(rows).toBe(5000);
    expect((await job.summary).rows.written).toBe(5000);
    // The same as a stream step: record batches in, result batches out, in order.
    const { gradStream } = await import('../../src/index.js');
    const step = gradStream({ input: 'arrow', threads: 2, batchSize: 1500 });
    const out: number[] = [];
    for await (const batch of Readable.from(input.batches).pipe(step))
      out.push(...(batch as (typeof input.batches)[number]).getChild('f')!.toArray());
    expect(out).toEqual([...cli.getChild('f')!.toArray()]);
  });
});
