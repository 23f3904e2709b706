/**
 * An input is opened and sniffed once by the coordinator (format, gzip, byte order mark, header), and what
 * it learned is handed on: counted by a preload that wraps every file-opening function of node:fs in the
 * main thread. (The workers open a file themselves to read their own byte ranges or row groups.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
afterAll(() => folder.cleanup());

async function opensOf(input: string, args: readonly string[] = []): Promise<number> {
  const result = await runCli([input, '--out', join(folder.path, 'out.csv'), '--threads', '2', ...args], {
    env: { NODE_OPTIONS: `--import=${join(ROOT, 'test/support/count-opens.mjs')}`, BATCH_GRAD_COUNT_OPENS: input },
  });
  expect(result.stderr).toMatch(/opens: \d+/);
  expect(result.code).toBe(0);
  return Number(/opens: (\d+)/.exec(result.stderr)![1]);
}

function rows(n: number, quoted = false): string {
  let text = '\ufeffx1,x2,w1,w2,b\n';
  for (let i = 0; i < n; i++) text += quoted ? `"${i / n}",2,3,4,5\n` : `${i / n},2,3,4,5\n`;
  return text;
}

describe('each input is opened once by the coordinator', () => {
  it('a small CSV file, computed on the calling thread: its header is read once, from the one handle', async () => {
    const input = join(folder.path, 'small.csv');
    writeFileSync(input, rows(10));
    expect(await opensOf(input)).toBe(1);
  });

  it('a CSV file large enough for byte ranges, a small one with --batch-size, and a JSON Lines file', async () => {
    const large = join(folder.path, 'large.csv');
    writeFileSync(large, rows(400_000));
    expect(await opensOf(large)).toBe(1);
    const batched = join(folder.path, 'batched.csv');
    writeFileSync(batched, rows(2000, true));
    expect(await opensOf(batched, ['--batch-size', '100'])).toBe(1);
    const jsonl = join(folder.path, 'small.jsonl');
    writeFileSync(
      jsonl,
      Array.from({ length: 50 }, (_, i) => JSON.stringify({ x1: i, x2: 2, w1: 3, w2: 4, b: 5 })).join('\n'),
    );
    expect(await opensOf(jsonl)).toBe(1);
  });

  it('is counted for real: the count sees a second open (the same file given twice)', async () => {
    const input = join(folder.path, 'twice.csv');
    writeFileSync(input, rows(10));
    const result = await runCli([input, input, '--out', join(folder.path, 'out2.csv')], {
      env: { NODE_OPTIONS: `--import=${join(ROOT, 'test/support/count-opens.mjs')}`, BATCH_GRAD_COUNT_OPENS: input },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('opens: 2');
  });
});
