/**
 * The file commands called in process, where coverage sees them: every option refused at the door with
 * its message, inputs opened and sniffed (gzip, stdin, folders, what is not a file), and a worker that fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine, type RunFileOptions, runFile } from '../../src/index.js';
import { ROOT, temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);
const NOTEBOOK = join(ROOT, 'data/notebook.csv');

/** Runs with stdin and stdout in memory; resolves to what was written to stdout. */
async function run(options: RunFileOptions, stdin: Buffer | string = ''): Promise<string> {
  let written = '';
  const stdout = new Writable({
    write: (chunk, _encoding, callback) => {
      written += chunk;
      callback();
    },
  });
  await runFile({ threads: 1, ...options }, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr: stdout });
  return written;
}

describe('options refused at the door', () => {
  const refused: Array<[Partial<RunFileOptions>, RegExp]> = [
    [{ input: [] }, /--input needs a file path/],
    [{ input: ['-', NOTEBOOK] }, /--input needs files, or - alone/],
    [{ output: '' }, /--out needs a file path/],
    [{ columns: 'a,b' }, /--columns needs --no-header/],
    [{ header: false }, /--no-header needs --columns/],
    [{ compression: 'zip' as never, output: 'o.parquet' }, /--compression needs snappy/],
    [{ compression: 'zstd' }, /--compression needs a Parquet output/],
    [{ rejects: 'r.csv' }, /--rejects needs --on-error skip/],
    [{ expr: '  ' }, /--expr needs a formula/],
    [{ onError: 'ignore' as never }, /--on-error needs fail or skip/],
    [{ delimiter: '""' }, /--delimiter needs one ASCII character/],
    [{ threads: 0 }, /--threads needs a whole number from 1/],
    [{ batchSize: 1.5 }, /--batch-size needs a whole number/],
    [{ shard: '3/2' }, /--shard needs k\/N with 1 <= k <= N/],
    [{ from: 'xlsx' as never }, /--from needs csv, tsv/],
    [{ output: 'grads.xlsx' }, /--to needs a format for grads.xlsx/],
    [{ input: 'data.parquet.gz' }, /--from needs a text format inside .gz/],
    [{ features: '' }, /--features needs one or more names/],
    [{ param: 'w1' }, /--param needs name=value/],
    [{ param: ['w1=abc'] }, /--param needs a finite number for "w1"/],
    [{ params: at('missing.json') }, /--params needs a readable JSON file of parameter values \(no such file\)/],
    [{ params: [1, 2] as never }, /--params needs an object of parameter values/],
    [{ loss: 'hinge' as never }, /--loss needs bce, squared, poisson or softmax/],
    [{ label: '' }, /--label needs a column name/],
  ];
  it.each(refused)('%j', async (options, message) => {
    await expect(runFile({ input: NOTEBOOK, output: at('out.csv'), ...options })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(message),
    });
  });

  it('reads --params from a fit result or a plain object, and takes a tab by name', async () => {
    writeFileSync(at('model.json'), JSON.stringify({ params: { w1: 1, w2: 2, b: 0.5 } }));
    writeFileSync(at('tabbed.txt'), 'x1\tx2\n1\t2\n');
    const out = await run({
      input: at('tabbed.txt'),
      output: '-',
      expr: 'w1*x1 + w2*x2 + b',
      params: at('model.json'),
      delimiter: 'tab',
      from: 'csv',
    });
    expect(out).toBe('f\tdf_dw1\tdf_dw2\tdf_db\n5.5\t1\t2\t1\n');
    const object = await run({
      input: at('tabbed.txt'),
      output: '-',
      expr: 'w1*x1 + w2*x2 + b',
      params: { w1: 1, w2: 2, b: 0.5 },
      delimiter: '\\t',
    });
    expect(object).toBe(out);
  });
});

describe('inputs, opened once and sniffed', () => {
  it('reads gzip by its magic bytes, from a file and from stdin, and says when it does not decompress', async () => {
    const plain = await run({ input: NOTEBOOK, output: '-' });
    writeFileSync(at('notebook.csv.gz'), gzipSync(readFileSync(NOTEBOOK)));
    expect(await run({ input: at('notebook.csv.gz'), output: '-' })).toBe(plain);
    expect(await run({ input: '-', output: '-' }, gzipSync(readFileSync(NOTEBOOK)))).toBe(plain);
    const cut = gzipSync(readFileSync(NOTEBOOK)).subarray(0, 20);
    writeFileSync(at('cut.csv.gz'), cut);
    await expect(run({ input: at('cut.csv.gz'), output: '-' })).rejects.toMatchObject({
      code: 'INPUT_COMPRESSED_INVALID',
    });
    await expect(run({ input: at('cut.csv.gz'), output: '-', shard: '1/2' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('gzip-compressed'),
    });
  });

  it('reads a folder of files as one dataset, and says why an input cannot be read', async () => {
    mkdirSync(at('parts'));
    mkdirSync(at('empty'));
    const [header, ...rows] = readFileSync(NOTEBOOK, 'utf8').trim().split('\n');
    writeFileSync(at('parts/a.csv'), `${header}\n${rows.join('\n')}\n`);
    writeFileSync(at('parts/b.csv'), `${header}\n${rows.join('\n')}\n`);
    writeFileSync(at('parts/_SUCCESS'), '');
    const out = await run({ input: at('parts'), output: '-' });
    expect(out.trim().split('\n')).toHaveLength(1 + 2 * rows.length);
    await expect(run({ input: at('empty'), output: '-' })).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringContaining('no data files'),
    });
    await expect(run({ input: at('nothing.csv'), output: '-' })).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringContaining('no such file'),
    });
    await expect(run({ input: '/dev/null', from: 'parquet', output: '-' })).rejects.toMatchObject({
      code: 'INPUT_NOT_FOUND',
      message: expect.stringContaining('not a regular file'),
    });
    await expect(run({ input: '-', from: 'parquet', output: '-' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('stdin'),
    });
    writeFileSync(at('empty.csv'), '');
    await expect(run({ input: at('empty.csv'), output: '-' })).rejects.toMatchObject({
      code: 'HEADER_INVALID',
      message: expect.stringContaining('the input is empty'),
    });
  });

  it('reads JSON Lines, and a JSON Lines shard after the first takes its keys from the file', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ x1: i / 10, x2: 1, w1: 2, w2: 3, b: 0.5 }));
    writeFileSync(at('rows.jsonl'), `${lines.join('\n')}\n`);
    const whole = await run({ input: at('rows.jsonl'), output: '-', to: 'jsonl' });
    const parts = [
      await run({ input: at('rows.jsonl'), output: '-', to: 'jsonl', shard: '1/2' }),
      await run({ input: at('rows.jsonl'), output: '-', to: 'jsonl', shard: '2/2' }),
    ];
    expect(parts.join('')).toBe(whole);
    writeFileSync(at('bad.jsonl'), '[1,2]\n');
    await expect(run({ input: at('bad.jsonl'), output: '-' })).rejects.toMatchObject({ code: 'JSON_SYNTAX' });
    writeFileSync(at('blank.jsonl'), '\n\n');
    await expect(run({ input: at('blank.jsonl'), output: '-' })).rejects.toMatchObject({ code: 'HEADER_INVALID' });
  });
});

describe('a worker that fails', () => {
  afterEach(() => {
    delete process.env.BATCH_GRAD_TEST_FAULT;
  });

  it('fails the run with WORKER_FAILED naming the rows, and a closed engine refuses more work', async () => {
    process.env.BATCH_GRAD_TEST_FAULT = 'throw:1';
    const engine = createEngine({ threads: 2 });
    const csv = ['x1,x2,w1,w2,b', ...Array.from({ length: 3000 }, (_, i) => `${i},1,2,3,4`)].join('\n');
    const job = engine.gradients([csv], { input: 'csv', batchSize: 500 });
    await expect(
      (async () => {
        for await (const _ of job) void _;
      })(),
    ).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringContaining('rows from line') });
    await engine.close();
    await expect(engine.runFile({ input: NOTEBOOK, output: at('closed.csv') })).rejects.toMatchObject({
      code: 'ENGINE_CLOSED',
    });
  });
});
