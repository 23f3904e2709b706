import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { RecordChunker } from '../../src/compute/csv/record-chunker.js';
import { BatchGradError } from '../../src/errors.js';
import { seededRandom } from '../support/random.js';

async function* pieces(bytes: Buffer, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; ) {
    const size = Math.max(1, sizes());
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function chunksOf(bytes: Buffer, rows: number, sizes: () => number, maxRecordBytes = 1 << 20) {
  const chunker = new RecordChunker(pieces(bytes, sizes), { file: 't.csv', maxRecordBytes });
  const chunks = [];
  for (let chunk = await chunker.next(rows); chunk !== undefined; chunk = await chunker.next(rows)) chunks.push(chunk);
  return chunks;
}

/** Random CSV with quoted fields holding delimiters, doubled quotes, LF and CRLF. */
function randomCsv(random: () => number, rows: number): string {
  const field = (): string => {
    const r = random();
    if (r < 0.6) return String(Math.floor(random() * 1000));
    if (r < 0.8) return `"a,b""c${random() < 0.5 ? '\n' : '\r\n'}d"`;
    if (r < 0.9) return '""';
    return 'x y';
  };
  const ending = (): string => (random() < 0.3 ? '\r\n' : '\n');
  return Array.from({ length: rows }, () => [field(), field(), field()].join(',') + ending()).join('');
}

describe('the record chunker', () => {
  it('never cuts inside a quoted field, whatever the piece and batch sizes', async () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 60; trial++) {
      const text = randomCsv(random, 1 + Math.floor(random() * 60));
      const bytes = Buffer.from(text);
      const rows = 1 + Math.floor(random() * 9);
      const chunks = await chunksOf(bytes, rows, () => Math.floor(random() * 40));
      expect(Buffer.concat(chunks.map((c) => c.bytes)).toString()).toBe(text);
      const whole = parse(bytes, { record_delimiter: ['\r\n', '\n'] }) as string[][];
      const pieceWise = chunks.flatMap((c) => parse(c.bytes, { record_delimiter: ['\r\n', '\n'] }) as string[][]);
      expect(pieceWise).toEqual(whole);
      let line = 1;
      for (const chunk of chunks) {
        expect(chunk.firstLine).toBe(line);
        line += chunk.bytes.filter((b) => b === 0x0a).length;
      }
      for (const chunk of chunks.slice(0, -1))
        expect(parse(chunk.bytes, { record_delimiter: ['\r\n', '\n'] })).toHaveLength(rows);
    }
  });

  it('ends a chunk at the first record past the byte bound, but always holds at least one record', async () => {
    const text = Array.from({ length: 100 }, (_, i) => `${'x'.repeat(i % 7 === 0 ? 300 : 20)},${i}\n`).join('');
    const chunker = new RecordChunker(
      pieces(Buffer.from(text), () => 97),
      { file: 't.csv', maxRecordBytes: 1 << 20 },
    );
    const sizes: number[] = [];
    for (let chunk = await chunker.next(50, 100); chunk !== undefined; chunk = await chunker.next(50, 100)) {
      const lines = Buffer.from(chunk.bytes).toString().trimEnd().split('\n');
      // Every record but the last ended within the bound.
      expect(chunk.bytes.length - Buffer.byteLength(`${lines.at(-1)}\n`)).toBeLessThan(100);
      sizes.push(lines.length);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
  });

  it('drops a UTF-8 byte order mark at the start only', async () => {
    const chunks = await chunksOf(Buffer.from('\ufeffa,b\n\ufeff1,2\n'), 10, () => 2);
    expect(Buffer.concat(chunks.map((c) => c.bytes)).toString()).toBe('a,b\n\ufeff1,2\n');
  });

  it('hands out fresh buffers that can be transferred without detaching anything else', async () => {
    const chunks = await chunksOf(Buffer.from('a\nb\nc\n'), 1, () => 100);
    for (const chunk of chunks) {
      expect(chunk.bytes.byteOffset).toBe(0);
      expect(chunk.bytes.buffer.byteLength).toBe(chunk.bytes.length);
    }
  });

  it('stops with the starting line when an open quote runs past the record size limit', async () => {
    const text = `a,b\n1,2\n3,"never closed\n${'x,'.repeat(2000)}\n`;
    const error = await chunksOf(Buffer.from(text), 1000, () => 64, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchGradError);
    expect(error).toMatchObject({ code: 'RECORD_TOO_LONG', context: { line: 3 } });
  });
});
