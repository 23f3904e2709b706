/**
 * The byte-range protocol on its own, in memory: ranges cut by their workers, checked and re-cut in order
 * as the coordinator does, must give exactly the bytes, sums and error lines of one pass over the whole.
 */
import { describe, expect, it } from 'vitest';
import { processChunk } from '../../src/compute/csv/process-chunk.js';
import { locatedFrom, processRange, type RangeResult } from '../../src/compute/csv/process-range.js';
import type { Parity } from '../../src/compute/csv/record-boundary.js';
import { ExactSum } from '../../src/compute/exact-sum.js';
import type { JobSpec } from '../../src/compute/job/job.js';
import { resolveJob } from '../../src/compute/job/resolve-job.js';
import type { TaskResult } from '../../src/compute/task-result.js';
import { BatchGradError } from '../../src/errors.js';
import { randomCsv } from '../support/random-csv.js';

const jobFor = (text: string, onError: 'fail' | 'skip' = 'fail'): JobSpec =>
  resolveJob(text.slice(0, text.indexOf('\n')).trim().split(','), {
    expr: 'x1 * x2 + exp(x1)',
    keep: ['id', 'note'],
    delimiter: ',',
    onError,
    file: 'f.csv',
    collectRejects: true,
  });

interface Ranged {
  readonly results: TaskResult[];
  /** Ranges whose guessed parity was wrong, and were cut again. */
  readonly recuts: number;
}

/** The coordinator's loop (pipeline/sources/csv-ranges.ts), over memory: nominal ranges of `size` bytes. */
function byRanges(job: JobSpec, bytes: Uint8Array, base: number, size: number, maxRecordBytes = 1 << 20): Ranged {
  const read = (into: Uint8Array, position: number): number => {
    const piece = bytes.subarray(position, position + into.length);
    into.set(piece);
    return piece.length;
  };
  const results: TaskResult[] = [];
  let parity: Parity = 0;
  let line = 2;
  let recuts = 0;
  let seq = 0;
  for (let from = base; from < bytes.length; from += size) {
    const task = {
      seq: seq++,
      path: 'f.csv',
      from,
      to: Math.min(bytes.length, from + size),
      base,
      limit: bytes.length,
      maxRecordBytes,
    };
    let result: RangeResult = processRange(job, from === base ? { ...task, parity: 0 } : task, read);
    if (result.parity !== parity) {
      recuts++;
      result = processRange(job, { ...task, parity }, read);
    }
    parity = (parity ^ result.quotes) as Parity;
    results.push(locatedFrom(result, 'f.csv', line));
    line += result.lines;
  }
  return { results, recuts };
}

const joined = (results: readonly TaskResult[]): string => Buffer.concat(results.map((r) => r.output)).toString('utf8');
const counts = (results: readonly TaskResult[]): number[] =>
  ['read', 'written', 'rejected'].map((key) => results.reduce((total, r) => total + (r[key as 'read'] as number), 0));

describe('a file cut into byte ranges by its workers', () => {
  it("gives one pass's output bytes and counts, for every range size, on random files with multi-line quoted fields", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const text = randomCsv({ rows: 120, seed });
      const bytes = Buffer.from(text);
      const job = jobFor(text);
      const base = text.indexOf('\n') + 1;
      const whole = processChunk(job, { seq: 0, bytes: bytes.subarray(base), firstLine: 2 });
      for (const size of [1, 2, 3, 5, 8, 13, 31, 64, 200, 1000]) {
        const { results } = byRanges(job, bytes, base, size);
        expect(joined(results), `seed ${seed}, ranges of ${size} bytes`).toBe(
          Buffer.from(whole.output).toString('utf8'),
        );
        expect(counts(results)).toEqual(counts([whole]));
      }
    }
  });

  it('cuts again, and right, a range whose start falls inside a long quoted field with no quote in the range', () => {
    // A note of 4000 bytes of lines and commas, no quote: every range inside it guesses "outside quotes".
    const long = `"${'text, more text\n'.repeat(250)}"`;
    const text = `id,note,x1,x2\n1,a,0.5,1\n2,${long},0.25,2\n3,b,1,3\n4,${long},2,4\n5,c,3,5\n`;
    const bytes = Buffer.from(text);
    const job = jobFor(text);
    const whole = processChunk(job, { seq: 0, bytes: bytes.subarray(14), firstLine: 2 });
    for (const size of [7, 100, 1000]) {
      const { results, recuts } = byRanges(job, bytes, 14, size);
      expect(recuts, `ranges of ${size} bytes`).toBeGreaterThan(0);
      expect(joined(results)).toBe(Buffer.from(whole.output).toString('utf8'));
    }
  });

  it('names bad rows by their line in the file, whatever the ranges', () => {
    let text = randomCsv({ rows: 800, seed: 12, lineEnd: '\n' });
    // Records 3, 200, 201 and 650 get a bad x2; the notes of 200 and 650 span lines, so the record's
    // line and the bad field's line differ.
    for (const id of [3, 200, 201, 650])
      text = text.replace(new RegExp(`(\n${id},(?:"(?:[^"]|"")*"|[^,\n]*),[^,\n]*),[^,\n]*`), '$1,oops');
    const bytes = Buffer.from(text);
    const base = text.indexOf('\n') + 1;
    const job = jobFor(text, 'skip');
    const whole = processChunk(job, { seq: 0, bytes: bytes.subarray(base), firstLine: 2 });
    expect(whole.rejects).toHaveLength(4);
    expect(whole.rejects.map((row) => [row.line, /^f\.csv:(\d+)/.exec(row.reason)![1]])).toEqual([
      [5, '5'],
      [229, '231'],
      [232, '232'],
      [783, '784'],
    ]);
    for (const size of [9, 50, 333, 4096]) {
      const { results } = byRanges(job, bytes, base, size);
      expect(
        results.flatMap((r) => r.rejects),
        `ranges of ${size} bytes`,
      ).toEqual(whole.rejects);
    }
    const failing = jobFor(text, 'fail');
    const first = processChunk(failing, { seq: 0, bytes: bytes.subarray(base), firstLine: 2 }).error!;
    for (const size of [9, 50, 333, 4096]) {
      const error = byRanges(failing, bytes, base, size).results.find((r) => r.error !== undefined)!.error!;
      expect(BatchGradError.fromData(error).message).toBe(first.message);
      expect(error.context).toEqual(first.context);
    }
  });

  it('parses a range with quotes a quarter-megabyte piece at a time, and joins the pieces into the same bytes, sums, rejects and inputs', () => {
    let text = randomCsv({ rows: 130_000, seed: 21, lineEnd: '\n' });
    for (const id of [10, 30_000, 30_001, 129_999])
      text = text.replace(new RegExp(`(\n${id},(?:"(?:[^"]|"")*"|[^,\n]*),[^,\n]*),[^,\n]*`), '$1,oops');
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeGreaterThan(3 << 20);
    const base = text.indexOf('\n') + 1;
    const job = { ...jobFor(text, 'skip'), keepInputs: true };
    const whole = processChunk(job, { seq: 0, bytes: bytes.subarray(base), firstLine: 2 });
    for (const size of [bytes.length, 2 << 20]) {
      const { results } = byRanges(job, bytes, base, size);
      expect(joined(results)).toBe(Buffer.from(whole.output).toString('utf8'));
      expect(counts(results)).toEqual(counts([whole]));
      expect(results.flatMap((r) => r.rejects)).toEqual(whole.rejects);
      const sum = (k: number): number => {
        const total = new ExactSum();
        for (const r of results) total.addState(r.sums[k]!);
        return total.value();
      };
      expect(whole.sums.map((_, k) => sum(k))).toEqual(
        whole.sums.map((state) => {
          const total = new ExactSum();
          total.addState(state);
          return total.value();
        }),
      );
      const column = (k: number): number[] => results.flatMap((r) => [...r.inputs![k]!]);
      expect(whole.inputs!.map((_, k) => column(k))).toEqual(whole.inputs!.map((c) => [...c]));
    }
  });

  it('ends at the last byte there is when the file is shorter than the task says (cut while it was read)', () => {
    const text = 'id,note,x1,x2\n1,a,1,2\n2,b,3,4';
    const bytes = Buffer.from(text);
    const read = (into: Uint8Array, position: number): number => {
      const piece = bytes.subarray(position, position + into.length);
      into.set(piece);
      return piece.length;
    };
    const task = {
      seq: 0,
      path: 'f.csv',
      from: 14,
      to: 24,
      base: 14,
      limit: 10 << 20,
      parity: 0 as const,
      maxRecordBytes: 64 << 20,
    };
    const result = processRange(jobFor(text), task, read);
    expect([result.read, result.written, result.lines]).toEqual([2, 2, 1]);
  });

  it('refuses a record longer than the limit, at the line it starts on', () => {
    // Longer than the bytes a worker reads past its range at first (64 KiB), so it reads on, and stops.
    const text = `id,note,x1,x2\n1,a,1,2\n2,"${'unterminated\n'.repeat(6000)}`;
    const bytes = Buffer.from(text);
    const { results } = byRanges(jobFor(text), bytes, 14, 64, 500);
    const error = results.find((r) => r.error !== undefined)!.error!;
    expect(error.code).toBe('RECORD_TOO_LONG');
    expect(error.message).toBe('f.csv:3: a record is longer than 500 bytes (an unterminated quote?)');
  });
});
