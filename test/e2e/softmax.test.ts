/**
 * --loss softmax through the built CLI and the library: on scikit-learn's iris data (class names as
 * written), its classes found by fit and carried by model.json, the same bits on every split and shard,
 * and labels outside the classes located.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeColumns, fit, gradients } from '../../src/index.js';
import { runCli, temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

const IRIS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv';
const NAMES = ['setosa', 'versicolor', 'virginica'];
const FEATURES = 'sepal_length,sepal_width,petal_length,petal_width';
const MODEL = ['--features', FEATURES, '--label', 'species', '--loss', 'softmax'];
const FIT = ['fit', ...MODEL, '--l2', '0.01'];

beforeAll(() => {
  // scikit-learn's iris.csv: a line of counts and names, then 4 measurements and the class index a row.
  const rows = readFileSync(IRIS, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  // Rows in an order that puts each class's last row in the file's second half (for the shards).
  const lines = rows.map((r) => `${r.slice(0, 4).join(',')},${NAMES[Number(r[4])]}`);
  writeFileSync(at('iris.csv'), `${FEATURES},species\n${lines.join('\n')}\n`);
  writeFileSync(
    at('iris.jsonl'),
    `${rows.map((r) => JSON.stringify({ ...Object.fromEntries(FEATURES.split(',').map((f, j) => [f, Number(r[j])])), species: NAMES[Number(r[4])] })).join('\n')}\n`,
  );
});

const json = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(at(name), 'utf8')) as Record<string, unknown>;

describe('--loss softmax', () => {
  it('fits iris: finds its classes, steps by Newton, and writes a model.json the per-row command takes', async () => {
    const result = await runCli([...FIT, at('iris.csv'), '--out', at('iris.json')]);
    expect(result.code).toBe(0);
    const model = json('iris.json') as {
      classes: string[];
      method: string;
      status: string;
      params: Record<string, number>;
      gradientNorm: number;
    };
    expect(model.classes).toEqual(NAMES);
    expect(model.method).toBe('newton');
    expect(model.status).toBe('converged');
    expect(Object.keys(model.params)).toHaveLength(15);
    expect(model.params).toHaveProperty('w_virginica_petal_width');
    expect(model.params).toHaveProperty('b_setosa');
    const rows = await runCli([
      at('iris.csv'),
      ...MODEL,
      '--params',
      at('iris.json'),
      '-o',
      at('p.csv'),
      '--summary',
      at('p.json'),
    ]);
    expect(rows.code).toBe(0);
    const [header, first] = readFileSync(at('p.csv'), 'utf8').split('\n');
    expect(header!.split(',').slice(0, 4)).toEqual(['p_setosa', 'p_versicolor', 'p_virginica', 'loss']);
    const p = first!.split(',').slice(0, 3).map(Number);
    expect(Math.abs(p[0]! + p[1]! + p[2]! - 1)).toBeLessThan(1e-15);
    expect(p[0]!).toBeGreaterThan(0.9);
    // At the optimum the mean gradient is -l2·w for a weight and 0 for a bias.
    const columns = (json('p.json') as { columns: Record<string, { mean: number }> }).columns;
    expect(Math.abs(columns.dloss_db_versicolor!.mean)).toBeLessThan(1e-8);
    expect(
      Math.abs(columns.dloss_dw_setosa_petal_length!.mean + 0.01 * model.params.w_setosa_petal_length!),
    ).toBeLessThan(1e-8);
  });

  it('takes the same path, to the bit, for 1 and 2 threads, two batch sizes, cached, and from JSON Lines; L-BFGS reaches the same optimum', async () => {
    const variants = [
      [at('iris.csv'), '--threads', '1'],
      [at('iris.csv'), '--threads', '2', '--batch-size', '7'],
      [at('iris.csv'), '--threads', '2', '--batch-size', '40', '--cache'],
      [at('iris.jsonl'), '--threads', '2', '--batch-size', '13'],
    ];
    const models: unknown[] = [];
    for (const [k, extra] of variants.entries()) {
      const result = await runCli([...FIT, ...extra, '--out', at(`bits-${k}.json`)]);
      expect(result.code).toBe(0);
      const { params, log, classes } = json(`bits-${k}.json`);
      models.push({ params, log, classes });
    }
    for (const model of models.slice(1)) expect(model).toEqual(models[0]);
    const lbfgs = await runCli([
      ...FIT,
      at('iris.csv'),
      '--method',
      'lbfgs',
      '--max-iter',
      '1000',
      '--out',
      at('lbfgs.json'),
    ]);
    expect(lbfgs.code).toBe(0);
    const [newton, quasi] = [json('bits-0.json'), json('lbfgs.json')] as Array<{ loss: number }>;
    expect(Math.abs(newton!.loss - quasi!.loss) / newton!.loss).toBeLessThan(1e-12);
    expect(newton!.loss).toBeLessThanOrEqual(quasi!.loss);
  });

  it('gives the same sums from shards that each miss a class as from the whole file, and --classes sets the order', async () => {
    // Sorted by class, so the first of two shards holds no virginica and the second no setosa.
    const whole = [...MODEL, '--classes', 'virginica,setosa,versicolor', '--param', 'w_setosa_petal_length=-1'];
    const single = await runCli([at('iris.csv'), ...whole, '-o', at('whole.csv'), '--summary', at('whole.json')]);
    expect(single.code).toBe(0);
    expect(
      readFileSync(at('whole.csv'), 'utf8')
        .split('\n')[0]!
        .startsWith('p_virginica,p_setosa,p_versicolor,loss,dloss_dw_virginica_sepal_length'),
    ).toBe(true);
    for (const k of [1, 2]) {
      const part = await runCli([
        at('iris.csv'),
        ...whole,
        '--shard',
        `${k}/2`,
        '-o',
        at(`s${k}.csv`),
        '--summary',
        at(`s${k}.json`),
      ]);
      expect(part.code).toBe(0);
    }
    const labelsOf = (k: number): Set<string> =>
      new Set(
        readFileSync(at(`s${k}.csv`), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split(',')[0]!),
      );
    expect(labelsOf(1).has('virginica')).toBe(false);
    expect(labelsOf(2).has('setosa')).toBe(false);
    const merged = await runCli(['merge', at('s1.json'), at('s2.json'), '--summary', at('merged.json')]);
    expect(merged.code).toBe(0);
    expect(json('merged.json').columns).toEqual(json('whole.json').columns);
  });

  it('locates a label that is not one of the classes, in CSV and JSON Lines, and skips it when asked', async () => {
    writeFileSync(at('odd.csv'), `${readFileSync(at('iris.csv'), 'utf8')}5,3,1.5,0.2,daisy\n`);
    const args = [...MODEL, '--classes', NAMES.join(','), '-o', at('odd.out.csv')];
    const failed = await runCli([at('odd.csv'), ...args]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      `${at('odd.csv')}:152, column 5 (species): "daisy" is not one of the classes (setosa, versicolor, virginica)`,
    );
    expect(failed.stderr).toContain('[LABEL_INVALID]');
    const skipped = await runCli([at('odd.csv'), ...args, '--on-error', 'skip']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/151 read, 150 written, 1 rejected/);
    writeFileSync(
      at('odd.jsonl'),
      `${readFileSync(at('iris.jsonl'), 'utf8')}{"sepal_length":5,"sepal_width":3,"petal_length":1,"petal_width":0.2,"species":"daisy"}\n`,
    );
    const jsonl = await runCli([at('odd.jsonl'), ...args]);
    expect(jsonl.code).toBe(1);
    expect(jsonl.stderr).toContain('"daisy" is not one of the classes');
    const without = await runCli([at('iris.csv'), ...MODEL, '-o', '-']);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--loss softmax needs its classes');
  });

  it('reads a string label column from Parquet written by DuckDB, and from Arrow, to the same bits as CSV', async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(`COPY (SELECT * FROM read_csv_auto('${at('iris.csv')}')) TO '${at('iris.parquet')}' (FORMAT parquet)`);
    db.closeSync();
    const args = [...MODEL, '--params', at('iris.json')];
    const fromCsv = await runCli([at('iris.csv'), ...args, '-o', at('c.csv'), '--summary', at('c.json')]);
    const fromParquet = await runCli([at('iris.parquet'), ...args, '-o', at('q.csv'), '--summary', at('q.json')]);
    expect([fromCsv.code, fromParquet.code]).toEqual([0, 0]);
    expect(readFileSync(at('q.csv'), 'utf8')).toBe(readFileSync(at('c.csv'), 'utf8'));
    const toArrow = await runCli([
      at('iris.parquet'),
      '-o',
      at('iris.arrow'),
      '-e',
      '0',
      '--keep',
      `${FEATURES},species`,
    ]);
    expect(toArrow.code).toBe(0);
    const fromArrow = await runCli([at('iris.arrow'), ...args, '-o', at('a.csv')]);
    expect(fromArrow.code).toBe(0);
    expect(readFileSync(at('a.csv'), 'utf8')).toBe(readFileSync(at('c.csv'), 'utf8'));
    const fitted = await runCli([...FIT, at('iris.parquet'), '--out', at('pq-fit.json')]);
    expect(fitted.code).toBe(0);
    expect(json('pq-fit.json').params).toEqual(json('iris.json').params);
  });

  it('is in the library: fit() finds the classes, computeColumns() gives each class its probability', async () => {
    const model = await fit({ input: at('iris.csv'), features: FEATURES, label: 'species', loss: 'softmax', l2: 0.01 });
    expect(model.classes).toEqual(NAMES);
    expect(model.params).toEqual(json('bits-0.json').params);
    const result = computeColumns(
      { a: [1, -1], species: ['setosa', 'virginica'] },
      { features: ['a'], label: 'species', loss: 'softmax', classes: NAMES, params: { w_setosa_a: 2 } },
    );
    expect(Object.keys(result.probabilities!)).toEqual(NAMES);
    const p = result.probabilities!;
    const e = Math.exp(2);
    expect(Math.abs(p.setosa![0]! - e / (e + 2))).toBeLessThan(1e-15);
    expect(result.value[1]).toBe(p.virginica![1]);
    expect(Object.keys(result.gradients)).toHaveLength(6);
    // gradients() over records: the same rows and sums as the CLI's run on the file.
    const records = readFileSync(at('iris.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const fields = line.split(',');
        return { ...Object.fromEntries(FEATURES.split(',').map((f, j) => [f, Number(fields[j])])), species: fields[4] };
      });
    const job = gradients(records, {
      features: FEATURES,
      label: 'species',
      loss: 'softmax',
      params: at('iris.json'),
      batchSize: 17,
    });
    const rows: Array<Record<string, unknown>> = [];
    for await (const row of job) rows.push(row as Record<string, unknown>);
    expect(rows).toHaveLength(150);
    const cli = readFileSync(at('p.csv'), 'utf8').trim().split('\n');
    const names = cli[0]!.split(',');
    expect(names.map((name) => String(rows[0]![name]))).toEqual(cli[1]!.split(','));
    expect((await job.summary).columns).toEqual(json('p.json').columns);
  });
});
