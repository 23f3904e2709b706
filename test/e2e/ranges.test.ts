/**
 * A CSV file read by byte ranges (each worker reads and cuts its own) against the same bytes streamed
 * through stdin (cut by the coordinator): the same output bytes, sums, rejects and errors, for any threads
 * and range sizes, on files whose ranges start inside quoted fields that span lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, temporaryFolder } from '../support/cli.js';
import { randomCsv } from '../support/random-csv.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

/** The parts of a summary that must not depend on how the input was read. */
const totals = (path: string): unknown => {
  const { rows, columns } = JSON.parse(readFileSync(path, 'utf8')) as { rows: unknown; columns: unknown };
  return { rows, columns };
};

interface Outcome {
  code: number | null;
  output: string;
  rejects: string;
  totals: unknown;
  stderr: string;
}

/** One run: by path (ranges), or with the file's bytes on stdin (the stream path). */
async function run(name: string, args: readonly string[], via: 'path' | 'stdin', tag: string): Promise<Outcome> {
  const out = at(`${tag}.csv`);
  const input = via === 'path' ? at(name) : '-';
  const skip = args.includes('skip');
  const rejects = skip ? ['--rejects', at(`${tag}.rej`)] : [];
  const result = await runCli(
    [input, '-o', out, ...rejects, '--summary', at(`${tag}.json`), ...args],
    via === 'stdin' ? { stdin: readFileSync(at(name)) } : {},
  );
  const read = (path: string): string => (result.code === 0 ? readFileSync(path, 'utf8') : '');
  return {
    code: result.code,
    output: read(out),
    rejects: skip ? read(at(`${tag}.rej`)).replaceAll(at(name), '<stdin>') : '',
    totals: result.code === 0 ? totals(at(`${tag}.json`)) : undefined,
    stderr: result.stderr.replaceAll(at(name), '<stdin>'),
  };
}

/**
 * The stream path's outcome, then every ranged run's, which must equal it: on the workers (--threads), and
 * on the calling thread (no --threads: these files are small, sizing.ts).
 */
async function expectSameByRanges(name: string, args: readonly string[]): Promise<void> {
  const streamed = await run(name, args, 'stdin', `run-${name}-stdin`);
  for (const threads of ['1', '3', 'chosen']) {
    for (const batch of ['1', '7', '100']) {
      const threadArgs = threads === 'chosen' ? [] : ['--threads', threads];
      const ranged = await run(
        name,
        [...args, ...threadArgs, '--batch-size', batch],
        'path',
        `run-${name}-${threads}-${batch}`,
      );
      expect(ranged, `${name}, --threads ${threads} --batch-size ${batch}`).toEqual(streamed);
    }
  }
}

/** Rows where every third note is 4,800 bytes of lines and commas with no quote inside. */
function writeLongFields(name: string): void {
  const long = `"${'text, more text\n'.repeat(300)}"`;
  const rows = Array.from({ length: 30 }, (_, i) => `${i},${i % 3 === 0 ? long : 'short'},${i / 8},${1 - i / 16}`);
  writeFileSync(at(name), `id,note,x1,x2\n${rows.join('\n')}\n`);
}

describe('a CSV file read by byte ranges', () => {
  it('matches the stream on random files with quoted fields holding commas, line ends and quotes', async () => {
    writeFileSync(at('random.csv'), randomCsv({ rows: 1500, seed: 31 }));
    await expectSameByRanges('random.csv', ['-e', 'x1 * x2 + exp(x1)', '--keep', 'id,note']);
  });

  it('matches the stream where ranges begin inside long quoted fields with no quote (their guess is wrong)', async () => {
    writeLongFields('long.csv');
    await expectSameByRanges('long.csv', ['-e', 'x1 / (1 + x2^2)', '--keep', 'note']);
  });

  it("reads each shard of such a file by ranges too: the shards' outputs end to end are the stream's", async () => {
    writeLongFields('long.csv');
    const streamed = await run('long.csv', ['-e', 'x1 / (1 + x2^2)', '--keep', 'note'], 'stdin', 'shards-stdin');
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const shard = await run(
        'long.csv',
        ['-e', 'x1 / (1 + x2^2)', '--keep', 'note', '--shard', `${k}/3`, '--batch-size', '2'],
        'path',
        `shards-${k}`,
      );
      expect(shard.code).toBe(0);
      parts.push(shard.output);
    }
    expect(parts.join('')).toBe(streamed.output);
  });

  it('matches the stream on tab-delimited text with a byte order mark and CRLF line ends', async () => {
    const text = randomCsv({ rows: 400, seed: 8, lineEnd: '\r\n', numbers: 3 });
    writeFileSync(at('bom-tab.csv'), `\ufeff${text.replaceAll(',', '\t')}`);
    await expectSameByRanges('bom-tab.csv', ['-e', 'x1 * x2 - x3', '-d', '\t']);
  });

  it('rejects and names the same rows, by their line in the file', async () => {
    let text = randomCsv({ rows: 800, seed: 12, lineEnd: '\n' });
    // Records 3, 200, 201 and 650 get a bad x2 (the note before it may be quoted over several lines).
    for (const id of [3, 200, 201, 650])
      text = text.replace(new RegExp(`(\n${id},(?:"(?:[^"]|"")*"|[^,\n]*),[^,\n]*),[^,\n]*`), '$1,not-a-number');
    writeFileSync(at('bad.csv'), text);
    await expectSameByRanges('bad.csv', ['-e', 'x1 + x2', '--on-error', 'skip']);
    const rejects = readFileSync(at('run-bad.csv-3-7.rej'), 'utf8');
    expect(rejects.split('\n').filter((line) => /^\d+,/.test(line))).toHaveLength(4);
    await expectSameByRanges('bad.csv', ['-e', 'x1 + x2']);
    expect((await run('bad.csv', ['-e', 'x1 + x2', '--batch-size', '5'], 'path', 'bad-fail')).stderr).toMatch(
      /^batch-grad: <stdin>:\d+, column 4 \(x2\): not a decimal number: "not-a-number" \[FIELD_NOT_A_NUMBER\]\n$/,
    );
  });

  it('matches the stream without a header row (--no-header --columns)', async () => {
    const text = randomCsv({ rows: 300, seed: 4 });
    writeFileSync(at('bare.csv'), text.slice(text.indexOf('\n') + 1));
    await expectSameByRanges('bare.csv', [
      '--no-header',
      '--columns',
      'id,note,x1,x2',
      '-e',
      'x1 * x2',
      '--keep',
      'id',
    ]);
  });
});
