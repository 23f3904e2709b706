import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordStartAtOrAfter } from '../../src/pipeline/shards/record-start.js';
import { temporaryFolder } from '../support/cli.js';
import { seededRandom } from '../support/random.js';

const folder = temporaryFolder();
afterAll(folder.cleanup);

/** A random valid CSV with quoted fields holding delimiters, line ends (LF and CRLF) and escaped quotes. */
function randomCsv(random: () => number, rows: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const field = (): string =>
    pick([
      () => String(Math.round(random() * 1000) / 10),
      () => '',
      () => `"${pick(['a,b', 'x\ny', 'q""r', '\n', '""', ',', 'p\r\nq', 'line1\nline2\n"",'])}"`,
      () => pick(['abc', 'd e', 'x']),
    ])();
  const lines = ['h1,h2,h3'];
  for (let r = 0; r < rows; r++) lines.push([field(), field(), field()].join(','));
  return lines.join(random() < 0.5 ? '\n' : '\r\n') + (random() < 0.5 ? '\n' : '');
}

/** Every record start, by a full scan from the file's start: the truth each offset's answer must match. */
function recordStarts(text: Buffer): number[] {
  const starts = [0];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === 0x22) quoted = !quoted;
    else if (text[i] === 0x0a && !quoted) starts.push(i + 1);
  }
  return starts;
}

describe('the first record at or after an offset', () => {
  it('is the true record start for every offset of random files with quoted multi-line fields', async () => {
    const random = seededRandom(404);
    for (let file = 0; file < 25; file++) {
      const text = Buffer.from(randomCsv(random, 40));
      const path = join(folder.path, `r${file}.csv`);
      await writeFile(path, text);
      const starts = recordStarts(text);
      const handle = await open(path, 'r');
      try {
        for (let offset = 0; offset <= text.length; offset++) {
          const want = starts.find((s) => s >= offset) ?? text.length;
          expect(await recordStartAtOrAfter(handle, offset, text.length, ','), `file ${file}, offset ${offset}`).toBe(
            Math.min(want, text.length),
          );
        }
      } finally {
        await handle.close();
      }
    }
  });

  it('counts the quotes before the offset only when the text reads validly both ways', async () => {
    // After the offset, `","` reads as a quoted comma or as the end of one field and the start of another.
    const text = Buffer.from('a\n",",","\n",",","\n');
    const path = join(folder.path, 'both.csv');
    await writeFile(path, text);
    const handle = await open(path, 'r');
    const starts = recordStarts(text);
    for (let offset = 0; offset <= text.length; offset++) {
      expect(await recordStartAtOrAfter(handle, offset, text.length, ',')).toBe(
        starts.find((s) => s >= offset) ?? text.length,
      );
    }
    await handle.close();
  });
});
