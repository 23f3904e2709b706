/**
 * The Dask runner on a real LocalCluster of 3 worker processes over loopback: the parts it writes,
 * concatenated, are the single run's bytes, and its merged summary has the single run's sums. It needs
 * Debian's python3-distributed for /usr/bin/python3, which .ci/run installs; on a machine without it the
 * test is skipped, except under CI, where it must run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryFolder } from '../support/cli.js';
import { writeGeneratedCsv } from '../support/generate.js';

const PYTHON = '/usr/bin/python3';
const hasDask = spawnSync(PYTHON, ['-c', 'import distributed'], { encoding: 'utf8' }).status === 0;
if (!hasDask && process.env.CI === 'true')
  throw new Error(`${PYTHON} cannot import distributed: .ci/run must install python3-distributed`);

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

describe.skipIf(!hasDask)('the Dask runner', () => {
  it('runs the shards on a LocalCluster of 3 processes: parts and merged sums equal to one run', async () => {
    await writeGeneratedCsv(at('data.csv'), { rows: 40_000, features: 3, seed: 12 });
    const single = await runCli([
      at('data.csv'),
      '-o',
      at('single.csv'),
      '--keep',
      'id',
      '--summary',
      at('single.json'),
    ]);
    expect(single.code).toBe(0);
    const run = spawnSync(
      PYTHON,
      [
        join(ROOT, 'runners/dask_shards.py'),
        at('data.csv'),
        '--shards',
        '5',
        '--workers',
        '3',
        '--out',
        at('out'),
        '--',
        '--keep',
        'id',
        '--threads',
        '1',
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.stderr).toMatch(/shard 5\/5 done/);
    expect(run.status).toBe(0);
    const parts = [1, 2, 3, 4, 5].map((k) => readFileSync(at(`out/part-0000${k}.csv`), 'utf8')).join('');
    expect(parts).toBe(readFileSync(at('single.csv'), 'utf8'));
    const pick = (path: string): unknown => {
      const summary = JSON.parse(readFileSync(path, 'utf8')) as {
        rows: unknown;
        columns: Record<string, { sum: number; mean: number }>;
      };
      return { rows: summary.rows, columns: Object.entries(summary.columns).map(([name, c]) => [name, c.sum, c.mean]) };
    };
    expect(pick(at('out/summary.json'))).toEqual(pick(at('single.json')));
  }, 180_000);

  it("fails the whole job with batch-grad's message when a shard has bad input", () => {
    writeFileSync(at('bad.csv'), 'w1,x1,b\n1,2,3\n4,oops,6\n');
    const run = spawnSync(
      PYTHON,
      [join(ROOT, 'runners/dask_shards.py'), at('bad.csv'), '--shards', '2', '--workers', '2', '--out', at('bad-out')],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /batch-grad-dask: shard \d\/2 failed: batch-grad: .*bad\.csv.*not a decimal number: "oops" \[FIELD_NOT_A_NUMBER\]/,
    );
    // The good shard's part is not left to look like a finished job.
    expect(readdirSync(at('bad-out'))).toEqual([]);
  }, 180_000);

  it("refuses a folder holding an earlier job's parts, and with --overwrite replaces them", async () => {
    await writeGeneratedCsv(at('again.csv'), { rows: 9_000, features: 2, seed: 13 });
    const runner = (shards: number, ...extra: string[]) =>
      spawnSync(
        PYTHON,
        [
          join(ROOT, 'runners/dask_shards.py'),
          at('again.csv'),
          '--shards',
          String(shards),
          '--workers',
          '2',
          '--out',
          at('again'),
          ...extra,
        ],
        {
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
    expect(runner(4).status).toBe(0);
    const refused = runner(3);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/holds 9 files of an earlier job .*--overwrite/);
    expect(readdirSync(at('again')).filter((name) => name.endsWith('.csv'))).toHaveLength(4);
    expect(runner(3, '--overwrite').status).toBe(0);
    const parts = readdirSync(at('again'))
      .filter((name) => name.endsWith('.csv'))
      .sort();
    expect(parts).toEqual(['part-00001.csv', 'part-00002.csv', 'part-00003.csv']);
    const single = await runCli([at('again.csv'), '-o', at('again-single.csv')]);
    expect(single.code).toBe(0);
    expect(parts.map((name) => readFileSync(join(at('again'), name), 'utf8')).join('')).toBe(
      readFileSync(at('again-single.csv'), 'utf8'),
    );
    expect(JSON.parse(readFileSync(join(at('again'), 'summary.json'), 'utf8')).output).toContain(
      join(at('again'), 'part-00001.csv'),
    );
  }, 240_000);
});
