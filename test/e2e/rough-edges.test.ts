/** The CLI as people type it: help and version on every command, quiet runs, fit's exit codes, messages. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryFolder } from '../support/cli.js';
import { writeGeneratedCsv } from '../support/generate.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const clicks = join(ROOT, 'data/clicks.csv');
const fitClicks = ['fit', clicks, '--features', 'age,income', '--label', 'clicked', '--loss', 'bce'];

beforeAll(async () => {
  await writeGeneratedCsv(at('rows.csv'), { rows: 3_000, features: 2, seed: 31 });
});

describe('every command', () => {
  it.each([['fit'], ['merge'], []])('%j: -h prints help, --version the version', async (...command) => {
    const help = await runCli([...command, '-h']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--quiet/);
    expect(help.stdout).toMatch(/--version/);
    const shown = await runCli([...command, '--version']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(`${version}\n`);
  });

  it('--quiet prints nothing but errors', async () => {
    const run = await runCli([
      at('rows.csv'),
      '-o',
      at('q.csv'),
      '--quiet',
      '--shard',
      '1/1',
      '--summary',
      at('q.json'),
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const merged = await runCli(['merge', at('q.json'), '-q']);
    expect([merged.code, merged.stderr]).toEqual([0, '']);
    const fitted = await runCli([...fitClicks, '-q', '--out', at('q-model.json')]);
    expect([fitted.code, fitted.stderr]).toEqual([0, '']);
  });
});

describe('fit', () => {
  it('shows a progress bar within its passes with --progress', async () => {
    const result = await runCli([...fitClicks, '--progress', '--max-iter', '2']);
    expect(result.stderr).toMatch(/\[[#.]{20}\] \d+\.\d% [\d,]+ rows, [\d,]+ rows\/s/);
  });

  it('exits 3 (FIT_NOT_CONVERGED) with the reason when it stops without converging, and still writes the model', async () => {
    const result = await runCli([...fitClicks, '--max-iter', '2', '--out', at('unconverged.json')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /batch-grad: fit stopped without converging \(max-iterations\): stopped after 2 iterations.*holds where it stopped \[FIT_NOT_CONVERGED\]\n$/,
    );
    expect(JSON.parse(readFileSync(at('unconverged.json'), 'utf8')).status).toBe('max-iterations');
  });

  it('shows the value it could not read: --l2 abc', async () => {
    const result = await runCli([...fitClicks, '--l2', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--l2 needs a number >= 0; got "abc" \[INVALID_OPTION\]/);
  });
});

describe('messages', () => {
  it('name a mistyped option with the nearest one, before any missing required option', async () => {
    const result = await runCli([at('rows.csv'), '--ouput', 'x.csv']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^batch-grad: unknown option --ouput; did you mean --out\? \[INVALID_OPTION\]/);
    expect((await runCli([...fitClicks, '--l3', '1'])).stderr).toMatch(/unknown option --l3; did you mean --l2\?/);
  });

  it('say what is wrong in a formula in its own terms', async () => {
    const result = await runCli([join(ROOT, 'data/notebook.csv'), '-o', '-', '-e', 'w1 x1 + b']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'batch-grad: formula: two terms with no operator between them at position 3 of "w1 x1 + b"; write * for a product, e.g. w1*x1 [FORMULA_SYNTAX]\n',
    );
  });

  it('hint at --from jsonl for JSON Lines on stdin', async () => {
    const result = await runCli(['-', '-o', '-'], { stdin: '{"w1":1,"x1":2,"b":0}\n' });
    expect(result.stderr).toMatch(/it looks like JSON Lines: give --from jsonl \[CSV_SYNTAX\]/);
  });

  it('know .ipc and .pq, and refuse an output extension that names no format', async () => {
    // An Arrow file as Polars names it; its float64 columns kept into a .pq file, read back as the input.
    const columns = { w1: [2, 0.5], w2: [-3, 1], x1: [-1, 2], x2: [-2, 0.25], b: [-3, 1] };
    writeFileSync(
      at('in.ipc'),
      tableToIPC(
        tableFromArrays(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Float64Array.from(v)]))),
        'file',
      ),
    );
    writeFileSync(at('in.csv'), `w1,w2,x1,x2,b\n2,-3,-1,-2,-3\n0.5,1,2,0.25,1\n`);
    expect((await runCli([at('in.csv'), '-o', at('direct.csv')])).code).toBe(0);
    const ipc = await runCli([at('in.ipc'), '-o', at('from-ipc.csv')]);
    expect(ipc.code).toBe(0);
    expect(readFileSync(at('from-ipc.csv'), 'utf8')).toBe(readFileSync(at('direct.csv'), 'utf8'));
    const pq = await runCli([at('in.ipc'), '-o', at('mid.pq'), '--keep', 'w1,w2,x1,x2,b']);
    expect(pq.code).toBe(0);
    expect(readFileSync(at('mid.pq')).subarray(0, 4).toString()).toBe('PAR1');
    const back = await runCli([at('mid.pq'), '-o', at('from-pq.csv')]);
    expect(back.code).toBe(0);
    expect(readFileSync(at('from-pq.csv'), 'utf8')).toBe(readFileSync(at('direct.csv'), 'utf8'));
    const unknown = await runCli([at('rows.csv'), '-o', at('out.xlsx')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--to needs a format for .*out\.xlsx, whose extension "\.xlsx" names none/);
  });

  it('refuse a --compression that does not apply', async () => {
    const result = await runCli([at('rows.csv'), '-o', at('c.csv'), '--compression', 'zstd']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--compression needs a Parquet output/);
  });

  it('merge --summary - writes to stdout', async () => {
    expect((await runCli([at('rows.csv'), '--shard', '1/1', '-o', at('m.csv'), '--summary', at('m.json')])).code).toBe(
      0,
    );
    const result = await runCli(['merge', at('m.json'), '--summary', '-', '-q']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows.written).toBe(3_000);
  });
});

describe("stdin as a shard, as Spark's RDD.pipe gives a partition", () => {
  it("labels each partition for merge: the parts and the merged sums are the single run's", async () => {
    const lines = readFileSync(at('rows.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0]!;
    const body = lines.slice(1);
    const halves = [body.slice(0, 1_234), body.slice(1_234)];
    const parts: string[] = [];
    for (const [k, half] of halves.entries()) {
      const result = await runCli(
        [
          '-',
          '--no-header',
          '--columns',
          header,
          '-o',
          '-',
          '--shard',
          `${k + 1}/2`,
          '--summary',
          at(`pipe-${k + 1}.json`),
        ],
        {
          stdin: `${half.join('\n')}\n`,
        },
      );
      expect(result.code).toBe(0);
      parts.push(result.stdout);
    }
    const single = await runCli([at('rows.csv'), '-o', '-', '--summary', at('pipe-single.json')]);
    expect(parts.join('')).toBe(single.stdout);
    const merged = await runCli(['merge', at('pipe-1.json'), at('pipe-2.json'), '--summary', '-', '-q']);
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout).columns).toEqual(JSON.parse(readFileSync(at('pipe-single.json'), 'utf8')).columns);
  });
});

describe('a rejects file of a Parquet input', () => {
  it('locates rows by a row column, not a line', async () => {
    writeFileSync(
      at('nulls.arrow'),
      tableToIPC(tableFromArrays({ w1: [1, null, 3], b: Float64Array.from([1, 2, 3]) }), 'file'),
    );
    expect((await runCli([at('nulls.arrow'), '-o', at('nulls.parquet'), '-e', 'b', '--keep', 'w1,b'])).code).toBe(0);
    const result = await runCli([
      at('nulls.parquet'),
      '-o',
      at('nulls-out.csv'),
      '-e',
      'w1*b',
      '--on-error',
      'skip',
      '--rejects',
      at('nulls-rejects.csv'),
    ]);
    expect(result.code).toBe(0);
    const [header, first] = readFileSync(at('nulls-rejects.csv'), 'utf8').split('\n');
    expect(header).toBe('row,code,reason,values');
    expect(first).toMatch(/^2,FIELD_NULL,/);
  });
});
