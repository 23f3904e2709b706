import { spawnSync } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGradError,
  computeColumns,
  createEngine,
  gradients,
  gradStream,
  type OutputRecord,
} from '../../src/index.js';
import { ROOT, runCli, temporaryFolder } from '../support/cli.js';
import { writeGeneratedCsv } from '../support/generate.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const INPUT = at('input.csv');
let cliOutput = '';

beforeAll(async () => {
  await writeGeneratedCsv(INPUT, { rows: 20_000, features: 2, seed: 21 });
  const result = await runCli([INPUT, '-o', '-', '--keep', 'id']);
  cliOutput = result.stdout;
});
afterAll(folder.cleanup);

/** Result records as the CLI writes them: String(x) is the shortest round-trip form. */
async function asCsv(records: AsyncIterable<OutputRecord>): Promise<string> {
  let text = '';
  let header: string[] | undefined;
  for await (const record of records) {
    header ??= Object.keys(record);
    if (text === '') text = `${header.join(',')}\n`;
    text += `${header.map((name) => (Object.is(record[name], -0) ? '-0' : String(record[name]))).join(',')}\n`;
  }
  return text;
}

async function* csvRecords(path: string): AsyncGenerator<Record<string, string>> {
  yield* createReadStream(path).pipe(parse({ columns: true }));
}

async function collect(stream: Readable): Promise<string> {
  let text = '';
  for await (const piece of stream) text += piece.toString();
  return text;
}

describe('computeColumns', () => {
  it('gives the notebook its numbers on the calling thread, from arrays or Float64Arrays', () => {
    const plain = computeColumns({ w1: [2], w2: [-3], x1: [-1], x2: [-2], b: [-3] });
    const typed = computeColumns({
      w1: Float64Array.of(2),
      w2: Float64Array.of(-3),
      x1: Float64Array.of(-1),
      x2: Float64Array.of(-2),
      b: Float64Array.of(-3),
    });
    expect(plain).toEqual(typed);
    expect(plain.value[0]).toBeCloseTo(0.73105857863, 11);
    expect(Object.entries(plain.gradients).map(([name, g]) => [name, g[0]!.toFixed(2)])).toEqual([
      ['w1', '-0.20'],
      ['w2', '-0.39'],
      ['x1', '0.39'],
      ['x2', '-0.59'],
      ['b', '0.20'],
    ]);
  });

  it('takes a formula, and refuses columns of different lengths', () => {
    expect(computeColumns({ w: [5], x1: [1], x2: [2] }, { expr: 'w*x1 + w*x2' }).gradients.w).toEqual(
      Float64Array.of(3),
    );
    expect(() => computeColumns({ w1: [1, 2], x1: [1], b: [0, 0] })).toThrow(
      expect.objectContaining({ code: 'FIELD_COUNT', message: 'column "x1" has 1 rows, "w1" has 2' }),
    );
  });
});

describe('gradients(source) as an async iterable', () => {
  it('gives records identical to the CLI output for the same input, with the summary at the end', async () => {
    const job = gradients(csvRecords(INPUT), { keep: ['id'], batchSize: 1000, threads: 2 });
    expect(await asCsv(job)).toBe(cliOutput);
    expect((await job.summary).rows).toEqual({ read: 20_000, written: 20_000, rejected: 0 });
  });

  it('takes raw CSV bytes and gives exactly the CLI bytes', async () => {
    const job = gradients(createReadStream(INPUT), { input: 'csv', keep: ['id'], batchSize: 777 });
    let text = '';
    for await (const piece of job) text += Buffer.from(piece).toString();
    expect(text).toBe(cliOutput);
  });

  it("takes JSON Lines bytes and gives exactly the CLI's JSON Lines, reporting bad lines by number", async () => {
    const [names, ...lines] = readFileSync(INPUT, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
    const objects = lines.map((fields) => `{${fields.map((field, c) => `"${names![c]}":${field}`).join(',')}}`);
    objects[4321] = '{"id": 4322, "x1": "oops"}';
    writeFileSync(at('input.jsonl'), `${objects.join('\n')}\n`);
    const cli = await runCli([at('input.jsonl'), '-o', at('cli.jsonl'), '--keep', 'id', '--on-error', 'skip']);
    expect(cli.code).toBe(0);
    const rejected: number[] = [];
    const job = gradients(createReadStream(at('input.jsonl'), { highWaterMark: 1000 }), {
      input: 'jsonl',
      keep: ['id'],
      batchSize: 777,
      threads: 2,
      onError: 'skip',
      onReject: (row) => rejected.push((row as { line: number }).line),
    });
    let text = '';
    for await (const piece of job) text += Buffer.from(piece).toString();
    expect(text).toBe(readFileSync(at('cli.jsonl'), 'utf8'));
    expect(rejected).toEqual([4322]);
    expect((await job.summary).rows).toEqual({ read: 20_000, written: 19_999, rejected: 1 });
    expect(
      await collect(
        createReadStream(at('input.jsonl')).pipe(gradStream({ input: 'jsonl', keep: ['id'], onError: 'skip' })),
      ),
    ).toBe(text);
  });

  it('refuses a delimiter that is not one ASCII character, when called', () => {
    for (const delimiter of [';;', '§', '"']) {
      expect(() => gradients([], { input: 'csv', delimiter })).toThrow(/delimiter needs one ASCII character/);
    }
  });

  it('rejects the iteration at a bad record, naming it', async () => {
    async function* records() {
      for (let i = 1; i <= 5000; i++) yield { w1: i === 1500 ? 'abc' : '1', x1: '2', b: '3' };
    }
    const seen: number[] = [];
    const error = await (async () => {
      for await (const row of gradients(records(), { batchSize: 100, threads: 2 })) seen.push(row.f as number);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchGradError);
    expect(error).toMatchObject({ code: 'FIELD_NOT_A_NUMBER', context: { record: 1500, field: 'w1', value: 'abc' } });
    expect((error as Error).message).toBe('record 1500, field w1: not a decimal number: "abc"');
    expect(seen.length).toBeLessThan(1500);
  });

  it('skips bad records with onError skip, reporting each', async () => {
    const rejected: number[] = [];
    const job = gradients(
      [
        { w1: 1, x1: 2, b: 3 },
        { w1: null, x1: 2, b: 3 },
        { w1: 1, x1: Number.NaN, b: 3 },
        { w1: '1', x1: '2', b: '3' },
      ],
      {
        onError: 'skip',
        onReject: (r) => rejected.push('record' in r ? r.record : r.line),
      },
    );
    const rows = [];
    for await (const row of job) rows.push(row);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(rows[1]);
    expect(rejected).toEqual([2, 3]);
    expect((await job.summary).rows).toEqual({ read: 4, written: 2, rejected: 2 });
  });

  it('gives nothing, and a zero summary, for an empty source', async () => {
    const job = gradients([], { threads: 1 });
    const rows = [];
    for await (const row of job) rows.push(row);
    expect(rows).toEqual([]);
    expect((await job.summary).rows).toEqual({ read: 0, written: 0, rejected: 0 });
  });

  it('keeps order and reads ahead only a bounded amount while the consumer is paused', async () => {
    let produced = 0;
    async function* records() {
      for (let i = 1; i <= 60_000; i++) {
        produced++;
        yield { id: String(i), w1: String(i % 7), x1: '0.5', b: '-1' };
      }
    }
    let consumed = 0;
    let maxAhead = 0;
    for await (const row of gradients(records(), { keep: ['id'], batchSize: 500, threads: 2 })) {
      consumed++;
      expect(row.id).toBe(String(consumed));
      maxAhead = Math.max(maxAhead, produced - consumed);
      if (consumed % 10_000 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(consumed).toBe(60_000);
    // At most 2 x threads batches in flight, one being read and one being emitted.
    expect(maxAhead).toBeLessThanOrEqual(500 * (2 * 2 + 2));
  });
});

describe('gradStream() as a Transform', () => {
  it('runs in a csv-parse -> batch-grad -> csv-stringify pipeline, same output as the CLI', async () => {
    const grads = gradStream({ keep: ['id'], batchSize: 999 });
    let text = '';
    await pipeline(
      createReadStream(INPUT),
      parse({ columns: true }),
      grads,
      stringify({ header: true }),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          text += chunk.toString();
          callback();
        },
      }),
    );
    expect(text).toBe(cliOutput);
    expect((await grads.summary).rows.written).toBe(20_000);
  });

  it("takes csv-parse's default arrays, the first one being the header", async () => {
    const grads = gradStream({ keep: ['id'], batchSize: 999 });
    const rows: OutputRecord[] = [];
    await pipeline(
      createReadStream(INPUT),
      parse(),
      grads,
      new Writable({
        objectMode: true,
        write(row: OutputRecord, _encoding, callback) {
          rows.push(row);
          callback();
        },
      }),
    );
    async function* fromArray() {
      yield* rows;
    }
    expect(await asCsv(fromArray())).toBe(cliOutput);
  });

  it('takes CSV bytes with input: csv', async () => {
    expect(await collect(createReadStream(INPUT).pipe(gradStream({ input: 'csv', keep: ['id'] })))).toBe(cliOutput);
  });

  it('holds the writer back while its reader is paused', async () => {
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 1; i <= 40_000; i++) {
          produced++;
          yield { id: String(i), w1: '1', x1: '2', b: '3' };
        }
      })(),
    );
    const grads = gradStream({ keep: ['id'], batchSize: 500, threads: 2 });
    source.pipe(grads);
    let consumed = 0;
    let maxAhead = 0;
    for await (const row of grads) {
      consumed++;
      expect((row as OutputRecord).id).toBe(String(consumed));
      maxAhead = Math.max(maxAhead, produced - consumed);
      if (consumed === 5000) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(consumed).toBe(40_000);
    // Readable buffers (16 + 1024 + 1024 records) plus the batches in flight.
    expect(maxAhead).toBeLessThanOrEqual(16 + 1024 + 1024 + 500 * 6);
  });

  it('emits an error with the line number when a row is bad mid-stream', async () => {
    const text = readFileSync(INPUT, 'utf8').split('\n');
    text[12_345] = '12345,1,2,x,4,5';
    const error = await collect(
      Readable.from([text.join('\n')]).pipe(gradStream({ input: 'csv', batchSize: 1000 })),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FIELD_NOT_A_NUMBER', context: { line: 12_346, field: 'x1', value: 'x' } });
  });
});

describe('the engine', () => {
  it('is reusable across jobs and file runs, and closes its threads', async () => {
    const engine = createEngine({ threads: 2 });
    const first = await asCsv(engine.gradients(csvRecords(INPUT), { keep: ['id'] }));
    const second = await asCsv(engine.gradients(csvRecords(INPUT), { keep: ['id'] }));
    expect(first).toBe(second);
    const summary = await engine.runFile({ input: INPUT, output: at('engine.csv'), keep: ['id'] });
    expect(summary.rows.written).toBe(20_000);
    expect(readFileSync(at('engine.csv'), 'utf8')).toBe(cliOutput);
    await engine[Symbol.asyncDispose]();
    await expect(asCsv(engine.gradients([{ w1: 1, x1: 2, b: 0 }]))).rejects.toMatchObject({ code: 'ENGINE_CLOSED' });
  });

  it.each(['columns.mjs', 'csv-pipeline.mjs'])(
    'runs examples/%s, which exits on its own (no leaked threads or handles)',
    (example) => {
      const args = example === 'csv-pipeline.mjs' ? [join(ROOT, 'data/sample.csv'), at('example.jsonl')] : [];
      const result = spawnSync(process.execPath, [join(ROOT, 'examples', example), ...args], {
        cwd: ROOT,
        timeout: 30_000,
        encoding: 'utf8',
      });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        example === 'columns.mjs'
          ? /w\*x1 \+ w\*x2 at \(5, 1, 2\): 15 \{ dw: 3, dx1: 5, dx2: 5 \}/
          : /1000 rows written/,
      );
    },
  );
});
