import { describe, expect, it } from 'vitest';
import { processChunk } from '../../../src/compute/csv/process-chunk.js';
import type { JobSpec } from '../../../src/compute/job/job.js';
import { runModel } from '../../../src/compute/job/model-tape.js';
import { resolveJob } from '../../../src/compute/job/resolve-job.js';
import { formatDouble, LineWriter } from '../../../src/compute/numbers/line-writer.js';
import { generateCsv } from '../../support/generate.js';
import { seededRandom } from '../../support/random.js';

const SPECIAL = [
  0,
  -0,
  0.1,
  0.2,
  0.3,
  1 / 3,
  2 / 3,
  1,
  2,
  0.5,
  0.25,
  100,
  1e21,
  1e20,
  123456789012345680000,
  1e-6,
  1e-7,
  1.5e-7,
  5e-324,
  2.2250738585072014e-308,
  2.225073858507201e-308,
  1.7976931348623157e308,
  // biome-ignore lint/correctness/noPrecisionLoss: the literal is the point: how JavaScript reads them is what the writer must write back
  9007199254740993,
  9007199254740992,
  0.7310585786300049,
  -0.19661193324148188,
  4.35,
  0.0000012345,
  999999999999999.9,
  // biome-ignore lint/correctness/noPrecisionLoss: the literal is the point: how JavaScript reads them is what the writer must write back
  99999999999999.99,
  1e15,
  1e16,
  1e17,
  1.2e16,
  // biome-ignore lint/correctness/noPrecisionLoss: the literal is the point: how JavaScript reads them is what the writer must write back
  12345678901234567,
  9.999999999999999e22,
  0.9999999999999999,
  99.99999999999999,
  1e-300,
  1e300,
  Number.MAX_SAFE_INTEGER,
  Number.EPSILON,
  Math.PI,
  Math.E,
  Infinity,
  -Infinity,
  NaN,
];

/** Doubles from every corner: random bit patterns, random magnitudes, short decimals, near-ties. */
function doubles(count: number): number[] {
  const random = seededRandom(314);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const values: number[] = [];
  while (values.length < count) {
    const r = random();
    if (r < 0.3) {
      words[0] = Math.floor(random() * 2 ** 32);
      words[1] = Math.floor(random() * 2 ** 32);
      if (Number.isFinite(bits[0]!)) values.push(bits[0]!);
    } else if (r < 0.6) {
      values.push((random() - 0.5) * 10 ** Math.floor(random() * 60 - 30));
    } else if (r < 0.8) {
      values.push(Math.round(random() * 1e6) / 10 ** Math.floor(random() * 12));
    } else {
      const x = Number((random() * 100).toPrecision(1 + Math.floor(random() * 17)));
      values.push(x, x * (1 + Number.EPSILON), x * (1 - Number.EPSILON / 2));
    }
  }
  return values;
}

describe('writing numbers', () => {
  it('writes exactly what String(x) writes (with -0 as "-0"), and reads back to the same bits', () => {
    const wrong: string[] = [];
    for (const x of [...SPECIAL, ...SPECIAL.map((v) => -v), ...doubles(300_000)]) {
      const text = formatDouble(x);
      if (text !== (Object.is(x, -0) ? '-0' : String(x)) || !Object.is(Number(text), x))
        wrong.push(`${String(x)} written as ${text}`);
    }
    expect(wrong).toEqual([]);
  });

  it('writes lines of many rows, with row texts, numbers it hands back to String(x), and a growing memory', () => {
    // Rows mix values the module writes with those it leaves to JavaScript (NaN, infinities, subnormals,
    // powers of two), so the fallback runs in the middle of lines; 60k rows of three columns need more
    // memory than the module had.
    const random = seededRandom(5);
    const pool = [...SPECIAL, 2 ** -1074, 2 ** -1030, 2 ** 60, -(2 ** -3), ...doubles(50)];
    const rows = 60_000;
    const columns = [0, 1, 2].map(() =>
      Float64Array.from({ length: rows }, () => pool[Math.floor(random() * pool.length)]!),
    );
    const text = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));
    const writer = new LineWriter(columns, rows, 0x3b);
    const expected: string[] = [];
    for (let i = 0; i < rows; i++) {
      const own = i % 3 === 0 ? `é${i};` : '';
      if (own !== '') writer.text(own);
      writer.lines(i, i + 1);
      expected.push(`${own}${columns.map((column) => text(column[i]!)).join(';')}\n`);
    }
    expect(Buffer.from(writer.finish()).toString('utf8')).toBe(expected.join(''));
  });

  it('makes chunk output whose every number reads back as the computed float64', () => {
    const text = [...generateCsv({ rows: 5000, features: 3, seed: 77 })].join('');
    const [headerLine, ...lines] = text.trimEnd().split('\n');
    const header = headerLine!.split(',');
    const job: JobSpec = resolveJob(header, {
      keep: ['id'],
      delimiter: ',',
      onError: 'fail',
      file: 't.csv',
      collectRejects: false,
    });
    const result = processChunk(job, { seq: 0, bytes: Buffer.from(`${lines.join('\n')}\n`), firstLine: 2 });
    const columns = job.inputColumns.map((c) => Float64Array.from(lines, (line) => Number(line.split(',')[c])));
    const computed = runModel(job.tape, columns, lines.length);
    const expected = [computed.predictions[0]!, ...job.gradientOrder.map((k) => computed.gradients[k]!)];
    const rows = Buffer.from(result.output).toString().trimEnd().split('\n');
    expect(rows).toHaveLength(5000);
    rows.forEach((row, i) => {
      const fields = row.split(',').slice(1).map(Number);
      for (const [c, value] of fields.entries())
        expect(Object.is(value, expected[c]![i]), `row ${i}, column ${c}`).toBe(true);
    });
  });
});
