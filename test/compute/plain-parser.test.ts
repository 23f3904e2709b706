import { describe, expect, it } from 'vitest';
import { processChunk } from '../../src/compute/csv/process-chunk.js';
import type { JobSpec } from '../../src/compute/job/job.js';
import { resolveJob } from '../../src/compute/job/resolve-job.js';
import {
  DECIMAL_EMPTY,
  DECIMAL_OVERFLOW,
  DECIMAL_SYNTAX,
  DecimalReader,
} from '../../src/compute/numbers/decimal-reader.js';
import { readNumber } from '../../src/compute/numbers/grammar.js';
import { seededRandom } from '../support/random.js';

/** One field read on its own: the chunk is the field. */
const readDecimal = (bytes: Uint8Array, start: number, end: number, out: Float64Array, index: number): number =>
  new DecimalReader(bytes).read(start, end, out, index);

/** Fields chosen to sit on every edge of the number grammar. */
const ADVERSARIAL_FIELDS = [
  '0',
  '-0',
  '+0',
  '1',
  '-1',
  '+1',
  '.5',
  '5.',
  '-.5',
  '+.5e1',
  '1e5',
  '1E5',
  '1e+5',
  '1e-5',
  '1.5e-310',
  '4.9e-324',
  '2e-324',
  '1e-400',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '1e309',
  '1e999',
  '-1e999',
  '123456789012345',
  '1234567890123456',
  '12345678901234567890',
  '0.1',
  '0.30000000000000004',
  '9007199254740993',
  '000012',
  '0.000000000000000000001',
  '1e22',
  '1e23',
  '1e-22',
  '1e-23',
  '8.98846567431158e307',
  ' 3',
  '3 ',
  '\t3\t',
  ' ',
  '',
  '  ',
  'abc',
  '1x',
  'x1',
  '-',
  '+',
  '.',
  'e5',
  '1e',
  '1e+',
  '1.2.3',
  '--1',
  '+-1',
  '0x1f',
  '0b1',
  '1_000',
  'NaN',
  'Infinity',
  '-Infinity',
  'inf',
  '1,5',
  '١',
  '1\r',
  '\r',
  '1 2',
  '１',
  '2.2250738585072011e-308',
  '2.2250738585072014e-308',
  '0.1e-1',
  '100000000000000000000000',
];

describe('reading numbers from bytes', () => {
  it('accepts, refuses and rounds exactly as readNumber does', () => {
    const random = seededRandom(99);
    const generated = Array.from({ length: 5000 }, () => {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      return [
        String(x),
        x.toPrecision(1 + Math.floor(random() * 20)),
        x.toExponential(Math.floor(random() * 18)),
        x.toFixed(Math.floor(random() * 20)),
      ];
    }).flat();
    const out = new Float64Array(1);
    for (const field of [...ADVERSARIAL_FIELDS, ...generated]) {
      const bytes = Buffer.from(field);
      const status = readDecimal(bytes, 0, bytes.length, out, 0);
      const reference = readNumber(field);
      if (reference.ok) {
        expect(status, JSON.stringify(field)).toBe(0);
        expect(Object.is(out[0], reference.value), JSON.stringify(field)).toBe(true);
      } else {
        const expected = {
          FIELD_EMPTY: DECIMAL_EMPTY,
          FIELD_NOT_A_NUMBER: DECIMAL_SYNTAX,
          FIELD_OUT_OF_RANGE: DECIMAL_OVERFLOW,
        }[reference.code as string];
        expect(status, JSON.stringify(field)).toBe(expected);
      }
    }
  });

  it('rounds exactly for 1 to 19 significant digits times any power of ten in the table, and past it', () => {
    // Every digit count meets every way in: the 9-digit and 18-digit group boundaries, the fast path
    // (at most 15 digits, power up to 22), the double-double product (the rest, powers up to 100), and
    // Number() beyond; random digits rarely sit near a rounding midpoint, so the ...5 and ...49999 forms do.
    const random = seededRandom(4242);
    const out = new Float64Array(1);
    for (let trial = 0; trial < 20_000; trial++) {
      const count = 1 + (trial % 19);
      let digits = String(1 + Math.floor(random() * 9));
      while (digits.length < count) digits += String(Math.floor(random() * 10));
      if (trial % 5 === 0) digits = `${digits.slice(0, -1)}5`;
      if (trial % 7 === 0) digits = `${digits.slice(0, Math.ceil(count / 2))}${'9'.repeat(Math.floor(count / 2))}`;
      const exponent = Math.floor(random() * 240) - 120;
      const point = Math.floor(random() * (count + 1));
      const field = `${random() < 0.5 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}e${exponent}`;
      const bytes = Buffer.from(field);
      expect(readDecimal(bytes, 0, bytes.length, out, 0), field).toBe(
        Number.isFinite(Number(field)) ? 0 : DECIMAL_OVERFLOW,
      );
      if (Number.isFinite(Number(field))) expect(Object.is(out[0], Number(field)), field).toBe(true);
    }
  });

  it('reads every field of a chunk in place, after the module memory grows, and of the next chunk after it', () => {
    // The WebAssembly reader holds one chunk at a time, copied into its memory: a chunk of several MB
    // makes that memory grow (which replaces its buffer), and the next reader must read its own bytes.
    const random = seededRandom(77);
    const chunkOf = (count: number): { bytes: Buffer; fields: string[] } => {
      const fields = Array.from({ length: count }, () =>
        String((random() - 0.5) * 10 ** Math.floor(random() * 30 - 15)),
      );
      return { bytes: Buffer.from(`${fields.join(',')}\n`), fields };
    };
    const large = chunkOf(200_000); // about 4 MB
    const small = chunkOf(1000);
    for (const { bytes, fields } of [small, large, small]) {
      const reader = new DecimalReader(bytes);
      const out = new Float64Array(fields.length);
      let at = 0;
      fields.forEach((field, k) => {
        const end = reader.readAt(at, bytes.length, out, k);
        expect(end).toBe(at + field.length);
        at = end + 1;
      });
      expect(out.every((x, k) => Object.is(x, Number(fields[k])))).toBe(true);
    }
  });
});

describe('the plain-chunk parser', () => {
  const header = ['id', 'w1', 'x1', 'b'];
  const jobs: JobSpec[] = (['fail', 'skip'] as const).flatMap((onError) =>
    [[], ['id'], ['b', 'id']].map((keep) =>
      resolveJob(header, { keep, delimiter: ',', onError, file: 't.csv', collectRejects: true }),
    ),
  );

  /** Rows of quote-free CSV with every irregularity the plain parser must treat as csv-parse does. */
  function randomChunk(random: () => number, delimiter = ',', count = 1 + Math.floor(random() * 30)): Buffer {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const field = (): string =>
      random() < 0.8 ? String((random() - 0.5) * 100) : pick(ADVERSARIAL_FIELDS.filter((f) => !f.includes(',')));
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = random();
      const fields = r < 0.05 ? 3 : r < 0.1 ? 5 : 4;
      const line =
        r < 0.13 ? '' : Array.from({ length: fields }, (_, k) => (k === 0 ? `id${i} é` : field())).join(delimiter);
      lines.push(line + pick(['\n', '\n', '\r\n', '\r\r\n']));
    }
    let text = lines.join('');
    if (random() < 0.3) text = text.replace(/\r?\n$/, random() < 0.5 ? '' : '\r');
    return Buffer.from(text);
  }

  it('gives exactly what csv-parse gives: output, counts, sums, rejects and errors', () => {
    const random = seededRandom(2026);
    for (let trial = 0; trial < 400; trial++) {
      const bytes = randomChunk(random);
      for (const job of jobs) {
        const task = { seq: trial, bytes, firstLine: 10 };
        const plain = processChunk(job, task, 'auto');
        const general = processChunk(job, task, 'csv-parse');
        expect(plain, `${JSON.stringify(bytes.toString())} ${job.onError} keep=${job.keepColumns}`).toEqual(general);
      }
    }
  });

  it('agrees with csv-parse for other delimiters, including ones a number can contain', () => {
    // A delimiter such as . or - or e turns off the one-pass reading (fields are split first); the others
    // keep it. Both must give what csv-parse gives.
    const random = seededRandom(2027);
    for (const delimiter of [';', '\t', ' ', '|', '.', '-', 'e', '1']) {
      const delimited = (['fail', 'skip'] as const).flatMap((onError) =>
        [[], ['id']].map((keep) =>
          resolveJob(header, { keep, delimiter, onError, file: 't.csv', collectRejects: true }),
        ),
      );
      for (let trial = 0; trial < 60; trial++) {
        const bytes = randomChunk(random, delimiter);
        for (const job of delimited) {
          const task = { seq: trial, bytes, firstLine: 1 };
          expect(
            processChunk(job, task, 'auto'),
            `${JSON.stringify(bytes.toString())} ${JSON.stringify(delimiter)}`,
          ).toEqual(processChunk(job, task, 'csv-parse'));
        }
      }
    }
  });

  it('has room for every row of a chunk of the shortest records there are', () => {
    // The record loop's columns are sized from the chunk's length (a good record takes at least a byte a
    // field but one, and one a model input): chunks of nothing but such records must all fit.
    const cases: Array<{ header: string[]; expr: string; keep: string[]; line: string }> = [
      { header: ['a', 'b'], expr: 'a', keep: [], line: '1,' },
      { header: ['a', 'b'], expr: 'a', keep: ['b', 'a', 'b'], line: '7,' },
      { header: ['a'], expr: 'a', keep: [], line: '5' },
      { header: ['a'], expr: '2*3', keep: ['a'], line: 'x' },
    ];
    for (const { header: names, expr, keep, line } of cases) {
      const job = resolveJob(names, {
        expr,
        keep,
        delimiter: ',',
        onError: 'skip',
        file: 't.csv',
        collectRejects: true,
      });
      for (const ending of ['\n', '']) {
        const bytes = Buffer.from(`${Array.from({ length: 3000 }, () => line).join('\n')}${ending}`);
        const task = { seq: 0, bytes, firstLine: 2 };
        const plain = processChunk(job, task, 'auto');
        expect(plain.written, `${expr} ${JSON.stringify(line)}`).toBe(3000);
        expect(plain).toEqual(processChunk(job, task, 'csv-parse'));
      }
    }
  });

  it('agrees with csv-parse on chunks of thousands of rows (the input columns grow as it reads)', () => {
    const random = seededRandom(2028);
    for (let trial = 0; trial < 2; trial++) {
      const bytes = randomChunk(random, ',', 2500 + trial * 1000);
      for (const job of jobs.filter((j) => j.onError === 'skip')) {
        const task = { seq: trial, bytes, firstLine: 1 };
        expect(processChunk(job, task, 'auto')).toEqual(processChunk(job, task, 'csv-parse'));
      }
    }
  });
});
