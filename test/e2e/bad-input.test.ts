import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, temporaryFolder } from '../support/cli.js';
import { generateCsv } from '../support/generate.js';
import { seededRandom } from '../support/random.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

let fileCount = 0;
function file(content: string | Buffer): string {
  const path = at(`input-${++fileCount}.csv`);
  writeFileSync(path, content);
  return path;
}

const HEADER = 'id,w1,x1,b\n';

/** Bad rows, each on line 3 of its file (line 2 is good), with the expected code and located message. */
const BAD_ROWS: Array<[string, string | Buffer, string, RegExp]> = [
  ['a non-numeric field', '3,abc,1,1\n', 'FIELD_NOT_A_NUMBER', /:3, column 2 \(w1\): not a decimal number: "abc"/],
  ['an empty field', '3,1,,1\n', 'FIELD_EMPTY', /:3, column 3 \(x1\): empty field: ""/],
  ['a NaN literal', '3,NaN,1,1\n', 'FIELD_NOT_A_NUMBER', /:3, column 2 \(w1\): not a decimal number: "NaN"/],
  [
    'an Infinity literal',
    '3,1,Infinity,1\n',
    'FIELD_NOT_A_NUMBER',
    /:3, column 3 \(x1\): not a decimal number: "Infinity"/,
  ],
  [
    'a -Infinity literal',
    '3,1,1,-Infinity\n',
    'FIELD_NOT_A_NUMBER',
    /:3, column 4 \(b\): not a decimal number: "-Infinity"/,
  ],
  [
    '1e999, which overflows',
    '3,1e999,1,1\n',
    'FIELD_OUT_OF_RANGE',
    /:3, column 2 \(w1\): too large for float64: "1e999"/,
  ],
  ['a hex number', '3,0x1f,1,1\n', 'FIELD_NOT_A_NUMBER', /:3, column 2 \(w1\): not a decimal number: "0x1f"/],
  ['too few fields', '3,1,1\n', 'FIELD_COUNT', /:3: 3 fields, the header has 4/],
  ['too many fields', '3,1,1,1,1\n', 'FIELD_COUNT', /:3: 5 fields, the header has 4/],
  [
    'invalid UTF-8 in a kept column',
    Buffer.from([0x33, 0xff, 0xfe, 0x2c, 0x31, 0x2c, 0x31, 0x2c, 0x31, 0x0a]),
    'INVALID_UTF8',
    /:3, column 1 \(id\): invalid UTF-8 \(byte 0xff\)/,
  ],
];

describe.each(BAD_ROWS)('a row with %s', (_, row, code, message) => {
  const content = (): Buffer =>
    Buffer.concat([Buffer.from(`${HEADER}2,1,1,1\n`), Buffer.from(row), Buffer.from('4,2,2,2\n')]);

  it('stops the run by default: exit 1, located message, no output', async () => {
    const input = file(content());
    const result = await runCli([input, '-o', at('out-fail.csv'), '--keep', 'id']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`${input}:3`);
    expect(result.stderr).toContain(`[${code}]`);
    expect(existsSync(at('out-fail.csv'))).toBe(false);
  });

  it('is skipped, counted and listed with --on-error skip', async () => {
    const input = file(content());
    const result = await runCli([
      input,
      '-o',
      at('out-skip.csv'),
      '--keep',
      'id',
      '--on-error',
      'skip',
      '--rejects',
      at('rejects.csv'),
      '--summary',
      at('summary.json'),
    ]);
    expect(result.code).toBe(0);
    expect(
      readFileSync(at('out-skip.csv'), 'utf8')
        .split('\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['id', '2', '4', '']);
    expect(JSON.parse(readFileSync(at('summary.json'), 'utf8')).rows).toEqual({ read: 3, written: 2, rejected: 1 });
    const [reject] = parse(readFileSync(at('rejects.csv')), { columns: true }) as Array<Record<string, string>>;
    expect(reject).toMatchObject({ line: '3', code });
    expect(reject!.reason).toMatch(message);
  });
});

describe('accepted number spellings', () => {
  it('reads a leading +, spaces and tabs around numbers, and short forms', async () => {
    const input = file('w1,x1,b\n+1, 2 ,\t.5\n1.,2e0,+5E-1\n');
    const result = await runCli([input, '-o', '-', '--expr', 'w1*x1 + b']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('f,df_dw1,df_dx1,df_db\n2.5,2,1,1\n2.5,2,1,1\n');
  });
});

describe('broken CSV structure', () => {
  it.each(['fail', 'skip'])(
    'an unterminated quote at the end stops the run even with --on-error %s',
    async (policy) => {
      const input = file(`${HEADER}2,1,1,1\n3,1,1,1\n"4,1,1,1\n5,1,1,1\n`);
      const result = await runCli([input, '-o', at('unterminated.csv'), '--on-error', policy]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`${input}:4: Quote Not Closed.*\\[CSV_SYNTAX\\]`));
      expect(existsSync(at('unterminated.csv'))).toBe(false);
    },
  );

  it('refuses a binary file at its header', async () => {
    const random = seededRandom(1);
    const input = file(Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))));
    const result = await runCli([input, '-o', at('binary.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/:1: the header is not UTF-8 text; is this a CSV file\? \[CSV_SYNTAX\]/);
  });

  it('reads a line longer than 1 MB', async () => {
    const long = 'x'.repeat(1_500_000);
    const input = file(`note,w1,x1,b\n"${long}",1,2,3\nshort,1,1,1\n`);
    const result = await runCli([input, '-o', at('long.csv'), '--keep', 'note']);
    expect(result.code).toBe(0);
    const rows = parse(readFileSync(at('long.csv'))) as string[][];
    expect(rows[1]![0]).toBe(long);
    expect(rows[2]![0]).toBe('short');
  });
});

describe('headers', () => {
  it.each([
    [
      'a duplicated name',
      'w1,x1,b,x1\n1,1,1,1\n',
      /header name "x1" appears twice \(columns 2 and 4\) \[HEADER_INVALID\]/,
    ],
    ['an empty name', 'w1,,x1,b\n1,1,1,1\n', /header column 2 has no name \[HEADER_INVALID\]/],
    ['no model input at all', 'a,b2,c\n1,2,3\n', /no model inputs in the header \(a, b2, c\)/],
    ['a model input missing', 'w1,w2,x1,x2\n1,1,1,1\n', /needs b, missing from the header/],
  ])('refuses a header with %s before computing anything', async (_, content, message) => {
    const result = await runCli([file(content), '-o', at('header.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(at('header.csv'))).toBe(false);
  });
});

describe('accounting', () => {
  it('keeps read = written + rejected, and the good rows identical to a clean run, across chunks and threads', async () => {
    const random = seededRandom(11);
    const lines = [...generateCsv({ rows: 3000, features: 2, seed: 8 })].join('').trimEnd().split('\n');
    const bad = ['abc', '', 'NaN', '1e999'];
    const dirty: string[] = [lines[0]!];
    const clean: string[] = [lines[0]!];
    let rejected = 0;
    for (const line of lines.slice(1)) {
      if (random() < 0.03) {
        const fields = line.split(',');
        fields[1 + Math.floor(random() * 5)] = bad[Math.floor(random() * bad.length)]!;
        dirty.push(random() < 0.2 ? fields.slice(0, 3).join(',') : fields.join(','));
        rejected++;
      } else {
        dirty.push(line);
        clean.push(line);
      }
    }
    const dirtyFile = file(`${dirty.join('\n')}\n`);
    const cleanFile = file(`${clean.join('\n')}\n`);
    const reference = await runCli([cleanFile, '-o', '-', '--keep', 'id']);
    for (const threads of ['1', '2']) {
      const result = await runCli([
        dirtyFile,
        '-o',
        '-',
        '--keep',
        'id',
        '--on-error',
        'skip',
        '--batch-size',
        '97',
        '--threads',
        threads,
        '--summary',
        at(`acc-${threads}.json`),
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(reference.stdout);
      const rows = JSON.parse(readFileSync(at(`acc-${threads}.json`), 'utf8')).rows as Record<string, number>;
      expect(rows).toEqual({ read: 3000, written: 3000 - rejected, rejected });
      expect(rows.read).toBe(rows.written! + rows.rejected!);
    }
  });
});
