import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryFolder } from '../support/cli.js';
import { referenceSum } from '../support/exact-reference.js';
import { writeGeneratedCsv } from '../support/generate.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const write = (name: string, text: string | Buffer): string => {
  writeFileSync(at(name), text);
  return at(name);
};
const read = (name: string): string => readFileSync(at(name), 'utf8');
afterAll(folder.cleanup);

const NOTEBOOK_HEADER = 'f,df_dw1,df_dw2,df_dx1,df_dx2,df_db';

describe('the notebook example', () => {
  it('gives the notebook its printed values, from the bundled data file', async () => {
    const result = await runCli([join(ROOT, 'data/notebook.csv'), '--out', at('notebook.out.csv')]);
    expect(result.code).toBe(0);
    const [header, row, ...rest] = read('notebook.out.csv').split('\n');
    expect(header).toBe(NOTEBOOK_HEADER);
    expect(rest).toEqual(['']);
    const [f, ...grads] = row!.split(',').map(Number);
    expect(f).toBeCloseTo(0.73105857863, 11);
    expect(grads.map((g) => g.toFixed(2))).toEqual(['-0.20', '-0.39', '0.39', '-0.59', '0.20']);
    expect(result.stderr).toMatch(/rows: 1 read, 1 written, 0 rejected/);
  });

  it('writes numbers that read back as the same float64 (including -0)', async () => {
    write('zeros.csv', 'w1,x1,b\n-0,5,-0\n1e-320,1,0\n');
    const result = await runCli([at('zeros.csv'), '-o', at('zeros.out.csv'), '--expr', 'w1*x1 + b']);
    expect(result.code).toBe(0);
    // f = -0*5 + -0 is -0; the gradient df/dx1 = w1 is accumulated from +0, and +0 + -0 is +0.
    expect(read('zeros.out.csv')).toBe('f,df_dw1,df_dx1,df_db\n-0,5,0,1\n1e-320,1,1e-320,1\n');
  });
});

describe('a 10,000-row file', () => {
  const runs = [
    ['--threads', '1'],
    ['--threads', '2'],
    ['--threads', '2', '--batch-size', '7'],
    ['--threads', '1', '--batch-size', '7'],
  ];
  let outputs: Array<{ csv: string; summary: string; code: number | null }> = [];

  beforeAll(async () => {
    await writeGeneratedCsv(at('ten-thousand.csv'), { rows: 10_000, features: 3, seed: 42 });
    outputs = [];
    for (const [k, args] of runs.entries()) {
      const result = await runCli([
        at('ten-thousand.csv'),
        '-o',
        at(`10k-${k}.csv`),
        '--keep',
        'id',
        '--summary',
        at(`10k-${k}.json`),
        ...args,
      ]);
      // The summary names its output file, which differs by run; everything else must be identical.
      const summary = JSON.stringify({ ...JSON.parse(read(`10k-${k}.json`)), output: undefined });
      outputs.push({ csv: read(`10k-${k}.csv`), summary, code: result.code });
    }
  });

  it('gives byte-identical output and summary whatever the threads and batch size', () => {
    for (const output of outputs) {
      expect(output.code).toBe(0);
      expect(output.csv).toBe(outputs[0]!.csv);
      expect(output.summary).toBe(outputs[0]!.summary);
    }
  });

  it('has one output line per row, in input order, and a summary that adds up', () => {
    const lines = outputs[0]!.csv.trimEnd().split('\n');
    expect(lines[0]).toBe('id,f,df_dw1,df_dw2,df_dw3,df_dx1,df_dx2,df_dx3,df_db');
    expect(lines).toHaveLength(10_001);
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(
      Array.from({ length: 10_000 }, (_, i) => i + 1),
    );
    const summary = JSON.parse(outputs[0]!.summary) as {
      rows: Record<string, number>;
      columns: Record<string, { sum: number; mean: number }>;
    };
    expect(summary.rows).toEqual({ read: 10_000, written: 10_000, rejected: 0 });
    // The written values read back exactly (shortest round-trip), so their exact sum is the summary's.
    expect(summary.columns.f!.sum).toBe(referenceSum(lines.slice(1).map((line) => Number(line.split(',')[1]))));
    expect(summary.columns.f!.mean).toBe(summary.columns.f!.sum / 10_000);
  });
});

describe('input layout', () => {
  it('finds columns by name in any order, and writes gradients in header order', async () => {
    write('shuffled.csv', 'b,x2,extra,w1,x1,w2\n-3,-2,ignored,2,-1,-3\n');
    const result = await runCli([at('shuffled.csv'), '-o', at('shuffled.out.csv')]);
    expect(result.code).toBe(0);
    const [header, row] = read('shuffled.out.csv').split('\n');
    expect(header).toBe('f,df_db,df_dx2,df_dw1,df_dx1,df_dw2');
    const values = row!.split(',').map(Number);
    expect(values.slice(1).map((g) => g.toFixed(2))).toEqual(['0.20', '-0.59', '-0.20', '0.39', '-0.39']);
  });

  it('keeps columns with quotes, delimiters and newlines unchanged', async () => {
    const name = 'Smith, "Jo"\nsecond line';
    write('kept.csv', `id,name,w1,x1,b\n7,"Smith, ""Jo""\nsecond line",1,2,3\n8,plain,0,0,0\n`);
    const result = await runCli([at('kept.csv'), '-o', at('kept.out.csv'), '--keep', 'name,id']);
    expect(result.code).toBe(0);
    const { parse } = await import('csv-parse/sync');
    const rows = parse(read('kept.out.csv')) as string[][];
    expect(rows[0]).toEqual(['name', 'id', 'f', 'df_dw1', 'df_dx1', 'df_db']);
    expect(rows[1]!.slice(0, 2)).toEqual([name, '7']);
    expect(rows[2]!.slice(0, 2)).toEqual(['plain', '8']);
  });

  it('reads stdin and writes stdout with -', async () => {
    const result = await runCli(['-', '--out', '-'], { stdin: readFileSync(join(ROOT, 'data/notebook.csv')) });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`${NOTEBOOK_HEADER}\n0.7310585786300049,`)).toBe(true);
  });

  it('reads CRLF line endings and a UTF-8 byte order mark, with or without a final newline', async () => {
    const plain = await runCli([join(ROOT, 'data/notebook.csv'), '-o', '-']);
    write('crlf.csv', '\ufeffw1,w2,x1,x2,b\r\n2,-3,-1,-2,-3\r\n');
    write('no-newline.csv', 'w1,w2,x1,x2,b\n2,-3,-1,-2,-3');
    for (const file of ['crlf.csv', 'no-newline.csv']) {
      const result = await runCli([at(file), '-o', '-']);
      expect(result.code, file).toBe(0);
      expect(result.stdout, file).toBe(plain.stdout);
    }
  });

  it('accepts a tab delimiter and writes the output with it', async () => {
    write('tabs.tsv', 'w1\tw2\tx1\tx2\tb\n2\t-3\t-1\t-2\t-3\n');
    const result = await runCli([at('tabs.tsv'), '-o', '-', '--delimiter', '\\t']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(NOTEBOOK_HEADER.replaceAll(',', '\t'));
  });

  it('gives a header-only file a header-only output and zero counts', async () => {
    write('header-only.csv', 'w1,x1,b\n');
    const result = await runCli([
      at('header-only.csv'),
      '-o',
      at('header-only.out.csv'),
      '--summary',
      at('header-only.json'),
    ]);
    expect(result.code).toBe(0);
    expect(read('header-only.out.csv')).toBe('f,df_dw1,df_dx1,df_db\n');
    expect(JSON.parse(read('header-only.json'))).toMatchObject({
      rows: { read: 0, written: 0, rejected: 0 },
      columns: { f: { sum: 0, mean: null } },
    });
  });

  it('refuses an empty file: there is no header to say what the columns are', async () => {
    write('empty.csv', '');
    const result = await runCli([at('empty.csv'), '-o', at('empty.out.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/empty\.csv: the input is empty; it needs at least a header row \[HEADER_INVALID\]/);
    expect(existsSync(at('empty.out.csv'))).toBe(false);
  });

  it('names the missing columns before computing anything', async () => {
    write('missing.csv', 'w1,w2,x1,b\n1,2,3,4\n');
    const result = await runCli([at('missing.csv'), '-o', at('missing.out.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/needs x2, missing from the header \(w1, w2, x1, b\) \[HEADER_MISSING_COLUMN\]/);
    const formula = await runCli([at('missing.csv'), '-o', at('missing.out.csv'), '--expr', 'w1*q']);
    expect(formula.code).toBe(1);
    expect(formula.stderr).toMatch(/"q" \(position 4\) is not an input column/);
    expect(existsSync(at('missing.out.csv'))).toBe(false);
  });
});

describe('bad rows', () => {
  // Line 3 holds a quoted field spanning lines 3-4, so the physical line numbers after it differ from
  // record numbers; --batch-size 2 puts the bad rows in different chunks from the header.
  const BAD = `${[
    'id,note,w1,x1,b',
    '1,ok,1,2,3',
    '2,"two',
    'lines",1,2,3',
    '3,text,abc,2,3',
    '4,empty,1,,3',
    '5,few,1,2',
    '6,many,1,2,3,4',
    '7,ok,0.5,1,1',
  ].join('\n')}\n`;

  it('stops at the first bad row by default, naming file, line, column and value, and leaves no output', async () => {
    const input = write('bad.csv', BAD);
    const result = await runCli([input, '-o', at('bad.out.csv'), '--batch-size', '2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${input}:5, column 3 (w1): not a decimal number: "abc" [FIELD_NOT_A_NUMBER]`);
    expect(existsSync(at('bad.out.csv'))).toBe(false);
    expect(readdirSync(folder.path).filter((name) => name.includes('bad.out.csv'))).toEqual([]);
  });

  it.each([
    ['an empty field', '4,empty,1,,3', 6, /:6, column 4 \(x1\): empty field: "" \[FIELD_EMPTY\]/],
    ['too few fields', '5,few,1,2', 7, /:7: 4 fields, the header has 5 \[FIELD_COUNT\]/],
    ['too many fields', '6,many,1,2,3,4', 8, /:8: 6 fields, the header has 5 \[FIELD_COUNT\]/],
  ])('reports %s at its line', async (_, row, line, message) => {
    // Keep only the rows up to this one, with the other bad rows replaced by good ones.
    const only = BAD.split('\n')
      .map((l, i) => (i + 1 === line || !/^[3-6],/.test(l) ? l : `${l.split(',')[0]},fine,1,1,1`))
      .join('\n');
    const result = await runCli([write(`bad-${line}.csv`, only), '-o', at(`bad-${line}.out.csv`)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`bad-${line}.csv:${line}`);
    expect(result.stderr).not.toContain(row === '4,empty,1,,3' ? 'FIELD_COUNT' : 'FIELD_EMPTY');
  });

  it('with --on-error skip, skips and counts them, and lists them in --rejects with line and reason', async () => {
    const input = write('skip.csv', BAD);
    const result = await runCli([
      input,
      '-o',
      at('skip.out.csv'),
      '--on-error',
      'skip',
      '--rejects',
      at('rejects.csv'),
      '--summary',
      at('skip.json'),
      '--keep',
      'id',
      '--batch-size',
      '2',
    ]);
    expect(result.code).toBe(0);
    expect(
      read('skip.out.csv')
        .split('\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['id', '1', '2', '7', '']);
    const summary = JSON.parse(read('skip.json')) as { rows: Record<string, number> };
    expect(summary.rows).toEqual({ read: 7, written: 3, rejected: 4 });
    const { parse } = await import('csv-parse/sync');
    const rejects = parse(read('rejects.csv'), { columns: true }) as Array<Record<string, string>>;
    expect(rejects.map((r) => [r.line, r.code, r.row])).toEqual([
      ['5', 'FIELD_NOT_A_NUMBER', '3,text,abc,2,3'],
      ['6', 'FIELD_EMPTY', '4,empty,1,,3'],
      ['7', 'FIELD_COUNT', '5,few,1,2'],
      ['8', 'FIELD_COUNT', '6,many,1,2,3,4'],
    ]);
    expect(rejects[0]!.reason).toContain('skip.csv:5, column 3 (w1): not a decimal number: "abc"');
  });
});

describe('usage', () => {
  it('reports a missing input file with exit code 1 and no output', async () => {
    const result = await runCli([at('no-such.csv'), '-o', at('never.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*no-such\.csv: no such file \[INPUT_NOT_FOUND\]/);
    expect(existsSync(at('never.csv'))).toBe(false);
  });

  it('shows progress on stderr with --progress, and none without', async () => {
    await writeGeneratedCsv(at('progress.csv'), { rows: 20_000, features: 2, seed: 9 });
    const shown = await runCli([
      at('progress.csv'),
      '-o',
      at('progress.out.csv'),
      '--progress',
      '--batch-size',
      '1000',
    ]);
    expect(shown.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line redraws itself with a carriage return and ESC [K
    expect(shown.stderr).toMatch(/\r\x1b\[K\[[#.]{20}\] [\d.]+% [\d,]+ rows, [\d,]+ rows\/s, [\d hms]+ left/);
    const quiet = await runCli([at('progress.csv'), '-o', at('progress.out.csv'), '--batch-size', '1000']);
    expect(quiet.stderr).not.toContain('rows/s');
  });

  it('prints help with examples, and the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('batch-grad <input> --out <output> [options]');
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--batch-size');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('speaks English whatever LANG says, as the rest of its messages do', async () => {
    const german = { ...process.env, LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
    const result = await runCli(['data/notebook.csv'], { env: german });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^batch-grad: Missing required argument: out \[INVALID_OPTION\]\n/);
    // The unbundled build can find yargs' German strings, so it is the one that shows the setting works.
    const unbundled = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'data/notebook.csv'], {
      cwd: ROOT,
      env: german,
      encoding: 'utf8',
    });
    expect(unbundled.stderr).toMatch(/^batch-grad: Missing required argument: out \[INVALID_OPTION\]\n/);
  });

  it.each([
    [['data/notebook.csv'], /Missing required argument: out/],
    [['data/notebook.csv', '-o', '-', '--threads', 'many'], /--threads needs a whole number from 1 to \d+; got "many"/],
    [
      ['data/notebook.csv', '-o', '-', '--batch-size', '0'],
      /--batch-size needs a whole number from 1 to 10000000; got 0/,
    ],
    [['data/notebook.csv', '-o', '-', '--on-error', 'ignore'], /on-error.*Given: "ignore".*Choices: "fail", "skip"/s],
    [['data/notebook.csv', '-o', '-', '--delimiter', ';;'], /--delimiter needs one ASCII character/],
    [['data/notebook.csv', '-o', '-', '--delimiter', '§'], /--delimiter needs one ASCII character other than a quote/],
    [['data/notebook.csv', '-o', '-', '--rejects', 'r.csv'], /--rejects needs --on-error skip/],
    [['data/notebook.csv', '-o', '-', '--frobnicate'], /unknown option --frobnicate \[INVALID_OPTION\]/],
    [['data/notebook.csv', '-o', '-', '--expr', 'w1 +* x1'], /formula: Expected expression after \+ at position 5/],
    [['data/notebook.csv', '-o', 'data/notebook.csv'], /--out data\/notebook.csv is the input file/],
  ])('refuses %j with exit code 2 and a message naming the option', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
