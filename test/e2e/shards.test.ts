/**
 * Shards and merges through the built CLI: any split of a job gives the same output bytes and the same
 * sums, to the bit, as one run, even when the cuts fall inside quoted fields that span lines.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryFolder } from '../support/cli.js';
import { seededRandom } from '../support/random.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const read = (name: string): string => readFileSync(at(name), 'utf8');
afterAll(folder.cleanup);

interface Summary {
  rows: unknown;
  columns: Record<string, { sum: number; mean: number | null }>;
}
const totals = (name: string): unknown => {
  const summary = JSON.parse(read(name)) as Summary;
  return {
    rows: summary.rows,
    columns: Object.fromEntries(Object.entries(summary.columns).map(([k, v]) => [k, [v.sum, v.mean]])),
  };
};

/** Rows whose note column is a quoted field of several lines, with quotes and commas inside. */
function quotedCsv(rows: number): string {
  const random = seededRandom(77);
  const lines = ['id,note,w1,x1,b'];
  for (let i = 1; i <= rows; i++) {
    const note = random() < 0.4 ? `"a ""quoted"" note,\nover ${1 + Math.floor(random() * 3)}\nlines"` : 'plain';
    lines.push(`${i},${note},${(random() * 4 - 2).toFixed(6)},${(random() * 4 - 2).toFixed(6)},${random().toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  writeFileSync(at('quoted.csv'), quotedCsv(3000));
  const single = await runCli([
    at('quoted.csv'),
    '-o',
    at('single.csv'),
    '--keep',
    'id,note',
    '--summary',
    at('single.json'),
  ]);
  expect(single.code).toBe(0);
});

describe('--shard k/N of one file', () => {
  it('cuts inside quoted fields that span lines at some of the nominal offsets (the case this guards)', () => {
    const bytes = readFileSync(at('quoted.csv'));
    let quoted = false;
    const inside: boolean[] = [];
    for (let i = 0; i < bytes.length; i++) {
      inside.push(quoted);
      if (bytes[i] === 0x22) quoted = !quoted;
    }
    const nominal = [2, 3, 4, 5, 6, 7].map((k) => Math.floor(((k - 1) * bytes.length) / 7));
    expect(nominal.some((offset) => inside[offset])).toBe(true);
  });

  it.each([1, 2, 3, 7])(
    "with N = %i, the parts concatenated are the single run's bytes, and merged, its sums",
    async (n) => {
      const parts: string[] = [];
      for (let k = 1; k <= n; k++) {
        const result = await runCli([
          at('quoted.csv'),
          '--shard',
          `${k}/${n}`,
          '-o',
          at(`q${n}-${k}.csv`),
          '--keep',
          'id,note',
          '--summary',
          at(`q${n}-${k}.json`),
          '--batch-size',
          '100',
        ]);
        expect(result.code).toBe(0);
        parts.push(read(`q${n}-${k}.csv`));
      }
      expect(parts.join('')).toBe(read('single.csv'));
      const merged = await runCli([
        'merge',
        ...Array.from({ length: n }, (_, k) => at(`q${n}-${k + 1}.json`)),
        '--summary',
        at(`q${n}.json`),
      ]);
      expect(merged.code).toBe(0);
      expect(totals(`q${n}.json`)).toEqual(totals('single.json'));
    },
  );

  it("names a bad row in a later shard by its line counted from the shard's first byte, and says so", async () => {
    const lines = readFileSync(at('quoted.csv'), 'utf8').split('\n');
    const target = lines.findIndex((line, i) => i > lines.length * 0.8 && /^\d+,plain,/.test(line));
    lines[target] = lines[target]!.replace(/,[^,]*,[^,]*$/, ',oops,0.5');
    const text = lines.join('\n');
    writeFileSync(at('bad.csv'), text);
    const result = await runCli([at('bad.csv'), '--shard', '2/2', '-o', at('bad.out.csv')]);
    expect(result.code).toBe(1);
    const match =
      /bad\.csv \(shard 2\/2, line 1 at byte (\d+)\):(\d+), column 4 \(x1\): not a decimal number: "oops"/.exec(
        result.stderr,
      );
    expect(match).not.toBeNull();
    const [, byte, line] = match!.map(Number);
    const physical = text.slice(0, byte).split('\n').length - 1 + line!;
    expect(physical).toBe(target + 1);
  });

  it('refuses to merge a missing, a repeated or a foreign shard, with codes of their own', async () => {
    const missing = await runCli(['merge', at('q3-1.json'), at('q3-3.json')]);
    expect(missing.stderr).toMatch(/shard 2\/3 of the job has no summary among those given \[MERGE_PART_MISSING\]/);
    const repeated = await runCli(['merge', at('q3-1.json'), at('q3-2.json'), at('q3-2.json'), at('q3-3.json')]);
    expect(repeated.stderr).toMatch(/shard 2\/3 is given twice.*\[MERGE_PART_REPEATED\]/);
    await runCli([
      at('quoted.csv'),
      '--shard',
      '2/3',
      '-o',
      at('other.csv'),
      '--summary',
      at('other.json'),
      '-e',
      'w1 * x1',
    ]);
    const foreign = await runCli(['merge', at('q3-1.json'), at('other.json'), at('q3-3.json')]);
    expect(foreign.stderr).toMatch(
      /other\.json is not a shard of the same job as .*q3-1\.json.*\[MERGE_PART_FOREIGN\]/,
    );
    expect(foreign.code).toBe(1);
    const plain = await runCli(['merge', at('single.json')]);
    expect(plain.stderr).toMatch(/not the summary of a shard.*\[MERGE_PART_INVALID\]/);
  });
});

describe('many files, and input with no header', () => {
  beforeAll(() => {
    const [header, ...rows] = read('quoted.csv')
      .trimEnd()
      .split(/\n(?=\d+,)/);
    mkdirSync(at('dataset'));
    for (let p = 0; p < 4; p++) {
      writeFileSync(at(`dataset/part-0000${p}.csv`), `${header}\n${rows.slice(p * 750, (p + 1) * 750).join('\n')}\n`);
    }
    writeFileSync(at('dataset/_SUCCESS'), '');
  });

  it('reads a folder of parts (as Spark writes them) as one dataset, and shares its files out to shards', async () => {
    const whole = await runCli([
      at('dataset'),
      '-o',
      at('dataset.csv'),
      '--keep',
      'id,note',
      '--summary',
      at('dataset.json'),
    ]);
    expect(whole.code).toBe(0);
    expect(read('dataset.csv')).toBe(read('single.csv'));
    expect(totals('dataset.json')).toEqual(totals('single.json'));
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++) {
      expect(
        (
          await runCli([
            at('dataset'),
            '--shard',
            `${k}/3`,
            '-o',
            at(`d${k}.csv`),
            '--keep',
            'id,note',
            '--summary',
            at(`d${k}.json`),
          ])
        ).code,
      ).toBe(0);
      parts.push(read(`d${k}.csv`));
    }
    expect(parts.join('')).toBe(read('single.csv'));
    await runCli(['merge', at('d1.json'), at('d2.json'), at('d3.json'), '--summary', at('d.json')]);
    expect(totals('d.json')).toEqual(totals('single.json'));
  });

  it("reads lines without a header with --no-header --columns, as an engine's pipe gives them", async () => {
    const body = read('quoted.csv').slice(read('quoted.csv').indexOf('\n') + 1);
    writeFileSync(at('body.csv'), body);
    const result = await runCli([
      at('body.csv'),
      '--no-header',
      '--columns',
      'id,note,w1,x1,b',
      '-o',
      at('body.out.csv'),
      '--keep',
      'id,note',
    ]);
    expect(result.code).toBe(0);
    expect(read('body.out.csv')).toBe(read('single.csv'));
    const piped = await runCli(['-', '--no-header', '--columns', 'id,note,w1,x1,b', '-o', '-', '--keep', 'id,note'], {
      stdin: body,
    });
    expect(piped.stdout).toBe(read('single.csv'));
    const refused = await runCli([at('body.csv'), '--no-header', '-o', '-']);
    expect(refused.stderr).toMatch(/--no-header needs --columns/);
  });
});

describe('Parquet shards', () => {
  it("are row groups, and their parts are the single run's bytes", async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(
      `COPY (SELECT i AS id, i / 1000.0 AS w1, 1.5 AS x1, 0.25 AS b FROM range(1, 10001) t(i)) TO '${at('rg.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
    );
    expect((await runCli([at('rg.parquet'), '-o', at('rg.csv'), '--keep', 'id'])).code).toBe(0);
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++) {
      expect((await runCli([at('rg.parquet'), '--shard', `${k}/3`, '-o', at(`rg${k}.csv`), '--keep', 'id'])).code).toBe(
        0,
      );
      parts.push(read(`rg${k}.csv`));
    }
    expect(parts.join('')).toBe(read('rg.csv'));
  });
});
