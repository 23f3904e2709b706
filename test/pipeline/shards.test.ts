/**
 * The parts of a job (shards of one file, or files shared out whole) and the merge of the shards'
 * summaries, called in process: every record in exactly one shard, the merged sums the same bits as one
 * run, and every malformed or foreign part refused with its own code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeSummaries, runFile } from '../../src/index.js';
import type { InputFile } from '../../src/pipeline/run-plan.js';
import { inputParts } from '../../src/pipeline/shards/input-parts.js';
import { temporaryFolder } from '../support/cli.js';
import { randomCsv } from '../support/random-csv.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());
const at = (name: string): string => join(folder.path, name);
const fileOf = (path: string, format: InputFile['format'] = 'csv'): InputFile => ({
  path,
  format,
  size: readFileSync(path).length,
});

/** Every record start of a CSV text, by a scan from its start. */
function recordStarts(text: Buffer): number[] {
  const starts = [0];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === 0x22) quoted = !quoted;
    else if (text[i] === 0x0a && !quoted && i + 1 < text.length) starts.push(i + 1);
  }
  return starts;
}

describe('the parts of a job', () => {
  it('cut one CSV file into N contiguous ranges that start at records, after the one header', async () => {
    const path = at('quoted.csv');
    writeFileSync(path, randomCsv({ rows: 3000, seed: 5 }));
    const text = readFileSync(path);
    const starts = new Set(recordStarts(text));
    const headerEnd = recordStarts(text)[1]!;
    for (const count of [1, 2, 3, 7]) {
      let next = headerEnd;
      for (let index = 1; index <= count; index++) {
        const [part] = await inputParts([fileOf(path)], { index, count }, ',', true);
        const range = part!.range!;
        expect(range.start).toBe(next);
        expect(range.headerEnd).toBe(headerEnd);
        expect(starts.has(range.start) || range.start === text.length).toBe(true);
        expect(part!.label).toBe(
          index === 1 ? path : `${path} (shard ${index}/${count}, line 1 at byte ${range.start})`,
        );
        next = range.end;
      }
      expect(next).toBe(text.length);
    }
  });

  it('cut JSON Lines at line starts, every shard reading the first line for the keys, and --no-header CSV from byte 0', async () => {
    const jsonl = at('rows.jsonl');
    writeFileSync(
      jsonl,
      Array.from({ length: 100 }, (_, i) => `${JSON.stringify({ x: i, note: 'a "b"\\n' })}\n`).join(''),
    );
    const [first] = await inputParts([fileOf(jsonl, 'jsonl')], { index: 1, count: 3 }, ',', true);
    const [second] = await inputParts([fileOf(jsonl, 'jsonl')], { index: 2, count: 3 }, ',', true);
    const text = readFileSync(jsonl);
    expect(first!.range).toMatchObject({ start: 0, headerEnd: text.indexOf(0x0a) + 1 });
    expect(text[second!.range!.start - 1]).toBe(0x0a);
    const bare = at('bare.csv');
    writeFileSync(bare, '1,2\n3,4\n5,6\n');
    const [whole] = await inputParts([fileOf(bare)], { index: 1, count: 2 }, ',', false);
    expect(whole!.range).toMatchObject({ start: 0, headerEnd: 0 });
  });

  it('share several files out whole; a shard with none reads only the first file header', async () => {
    const files = ['a', 'b'].map((name) => {
      writeFileSync(at(`${name}.csv`), 'x,y\n1,2\n');
      return fileOf(at(`${name}.csv`));
    });
    expect((await inputParts(files, { index: 2, count: 2 }, ',', true)).map((part) => part.path)).toEqual([
      files[1]!.path,
    ]);
    const [empty] = await inputParts(files, { index: 1, count: 3 }, ',', true);
    expect(empty).toMatchObject({ path: files[0]!.path, range: { start: 8, end: 8, headerEnd: 4 } });
    expect((await inputParts(files, undefined, ',', true)).map((part) => part.label)).toEqual(
      files.map((file) => file.path),
    );
  });

  it('take stdin as a part already cut, and refuse what cannot be cut', async () => {
    expect(
      await inputParts([{ path: '-', format: 'csv', size: undefined }], { index: 2, count: 4 }, ',', true),
    ).toEqual([{ path: '-', format: 'csv', size: undefined, label: '<stdin>' }]);
    await expect(
      inputParts([{ path: '/dev/null', format: 'csv', size: undefined }], { index: 1, count: 2 }, ',', true),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('needs a regular file'),
    });
    writeFileSync(at('t.arrow'), 'ARROW1');
    await expect(inputParts([fileOf(at('t.arrow'), 'arrow')], { index: 1, count: 2 }, ',', true)).rejects.toMatchObject(
      { code: 'INVALID_OPTION' },
    );
  });
});

describe('merging the shards of a job', () => {
  const data = at('merge.csv');
  const summaries = (count: number): string[] =>
    Array.from({ length: count }, (_, i) => at(`part-${i + 1}-of-${count}.json`));

  it('gives the same bits as one run, whatever the number of shards, and writes the result atomically', async () => {
    writeFileSync(data, randomCsv({ rows: 4000, seed: 9, numbers: 2 }).replaceAll('x1', 'w1').replace('x2', 'x1'));
    const options = {
      input: data,
      features: ['x1'],
      label: 'w1',
      loss: 'squared' as const,
      param: ['w_x1=0.5', 'b=-0.25'],
      threads: 2,
    };
    const whole = await runFile({ ...options, output: at('whole.csv') });
    for (const count of [2, 3]) {
      for (const [k, summary] of summaries(count).entries()) {
        await runFile({
          ...options,
          output: at(`part-${k + 1}.csv`),
          shard: `${k + 1}/${count}`,
          summary,
          batchSize: 100 + k,
        });
      }
      const merged = await mergeSummaries(summaries(count).reverse(), { summary: at(`merged-${count}.json`) });
      expect(merged.rows).toEqual(whole.rows);
      for (const [name, column] of Object.entries(whole.columns))
        expect(Object.is(merged.columns[name]!.sum, column.sum), name).toBe(true);
      expect(JSON.parse(readFileSync(at(`merged-${count}.json`), 'utf8'))).toEqual(JSON.parse(JSON.stringify(merged)));
    }
    let printed = '';
    const stdout = new Writable({
      write: (chunk, _encoding, callback) => {
        printed += chunk;
        callback();
      },
    });
    await mergeSummaries(summaries(2), { summary: '-', stdout });
    expect(JSON.parse(printed).rows).toEqual(whole.rows);
  });

  it('refuses parts that are not shard summaries, of another job, repeated or missing, and a summary over a part', async () => {
    writeFileSync(at('not-json.json'), '{');
    writeFileSync(at('whole.json'), JSON.stringify({ rows: {}, columns: {} }));
    mkdirSync(at('other'), { recursive: true });
    await runFile({
      input: data,
      output: at('other/part.csv'),
      features: ['x1'],
      shard: '1/2',
      summary: at('other/1.json'),
      threads: 1,
    });
    const [one, two] = summaries(2);
    const cases: Array<[string[], string]> = [
      [[], 'INVALID_OPTION'],
      [[at('not-json.json')], 'MERGE_PART_INVALID'],
      [[at('whole.json')], 'MERGE_PART_INVALID'],
      [[one!, at('other/1.json')], 'MERGE_PART_FOREIGN'],
      [[one!, summaries(3)[1]!], 'MERGE_PART_FOREIGN'],
      [[one!, one!], 'MERGE_PART_REPEATED'],
      [[one!], 'MERGE_PART_MISSING'],
    ];
    for (const [parts, code] of cases)
      await expect(mergeSummaries(parts), parts.join(' ')).rejects.toMatchObject({ code });
    await expect(mergeSummaries([one!, two!], { summary: one! })).rejects.toMatchObject({ code: 'SAME_INPUT_OUTPUT' });
  });
});
