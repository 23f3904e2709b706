/**
 * One core, one chunk: where a worker's time goes. Times processChunk on a 400k-row n=2 chunk with the
 * plain-chunk parser and with csv-parse, the number reading and writing against Number() and String(x),
 * and the quote search of isPlainChunk, all in one run (median of 5); then the per-row budget: the same
 * rows in 1 MiB pieces (a range's size), each phase of processChunk timed on its own.
 * Usage: node dist/bench/chunk.js
 */

import { parsePlain } from '../src/compute/csv/parse-plain.js';
import { type ParserChoice, processChunk } from '../src/compute/csv/process-chunk.js';
import { encodeOutput } from '../src/compute/encode-output.js';
import { outputColumns, runModel } from '../src/compute/job/model-tape.js';
import { resolveJob } from '../src/compute/job/resolve-job.js';
import { taskSums } from '../src/compute/job/task-sums.js';
import { DecimalReader } from '../src/compute/numbers/decimal-reader.js';
import { LineWriter } from '../src/compute/numbers/line-writer.js';
import { generatedChunk } from '../test/support/generate.js';
import { median } from './support/measure.js';

const ROWS = 400_000;
const { header, body } = generatedChunk({ rows: ROWS, features: 2, seed: 11 });
const job = resolveJob(header, { keep: [], delimiter: ',', onError: 'fail', file: 'bench', collectRejects: false });

function timed(run: () => void): number {
  run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const chunk = (parser: ParserChoice) => (): void => {
  processChunk(job, { seq: 0, bytes: body, firstLine: 2 }, parser);
};

// The chunk's number fields, and the numbers an output would hold, as the micro-benchmarks' inputs.
const fields = body
  .toString()
  .split(/[,\n]/)
  .filter((f, i) => i % 6 !== 0 && f !== '');
// Where each number field lies in the chunk: the reader reads them in place, as the parser does.
const fieldStarts: number[] = [];
const fieldEnds: number[] = [];
for (let at = 0, column = 0; at < body.length; column = (column + 1) % 6) {
  let end = at;
  while (body[end] !== 0x2c && body[end] !== 0x0a) end++;
  if (column !== 0) {
    fieldStarts.push(at);
    fieldEnds.push(end);
  }
  at = end + 1;
}
const values = Float64Array.from(fields, Number);
const out = new Float64Array(1);
const outputBuffer = new ArrayBuffer(values.length * 26);

const rows = [
  ['processChunk, plain-chunk parser (400k rows)', timed(chunk('auto'))],
  ['processChunk, csv-parse (400k rows)', timed(chunk('csv-parse'))],
  [
    `read ${values.length.toLocaleString('en')} numbers in place: DecimalReader (WebAssembly)`,
    timed(() => {
      const reader = new DecimalReader(body);
      for (let i = 0; i < fieldStarts.length; i++) reader.read(fieldStarts[i]!, fieldEnds[i]!, out, 0);
    }),
  ],
  [
    '  the same with Number() on the text',
    timed(() =>
      fields.forEach((f) => {
        out[0] = Number(f);
      }),
    ),
  ],
  [
    `write ${values.length.toLocaleString('en')} numbers, a line each: LineWriter (WebAssembly)`,
    timed(() => {
      // Into a recycled output buffer, as the pipeline does (a new 40 MB one would time the page faults).
      const writer = new LineWriter([values], values.length, 0x0a);
      writer.lines(0, values.length);
      writer.finish(outputBuffer);
    }),
  ],
  [
    '  the same with String(x), concatenation and Buffer.from',
    timed(() => {
      let text = '';
      for (const x of values) text += `${String(x)},`;
      Buffer.from(text);
    }),
  ],
] as const;

console.log('| one core | ms (median of 5) | ns per row or number |');
console.log('|---|---|---|');
for (const [name, ms] of rows) {
  const count = name.startsWith('processChunk') ? ROWS : values.length;
  console.log(`| ${name} | ${ms.toFixed(0)} | ${((ms * 1e6) / count).toFixed(0)} |`);
}

// isPlainChunk's quote search: Buffer's indexOf (memchr) against the typed array's own.
const plainBytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
const megabytes = (body.length / 1e6).toFixed(0);
const viaBuffer = timed(() => body.indexOf(0x22));
const viaTypedArray = timed(() => plainBytes.indexOf(0x22));
console.log(
  `\nLooking for a quote in the ${megabytes} MB chunk: Buffer's indexOf ${viaBuffer.toFixed(1)} ms, Uint8Array's ${viaTypedArray.toFixed(1)} ms.`,
);

/**
 * The per-row budget: the chunk cut into 1 MiB pieces at line ends, and for each piece processChunk's
 * phases in its order, each timed alone: read (the bytes copied into the numbers module and parsed), the
 * tape, write (the columns copied in, the lines written, the text copied out into a recycled buffer), the
 * exact sums; and processChunk whole, whose remainder is its checks (UTF-8, quotes) and bookkeeping.
 */
function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let from = 0; from < bytes.length; ) {
    let to = Math.min(bytes.length, from + size);
    while (to < bytes.length && bytes[to - 1] !== 0x0a) to++;
    out.push(bytes.subarray(from, to));
    from = to;
  }
  return out;
}
const ranges = pieces(body, 1 << 20);
const phases = { read: 0, tape: 0, write: 0, sums: 0, whole: 0, copies: 0 };
const reuse = new ArrayBuffer(4 << 20);
// The copies read and write make, repeated between two buffers of this thread: the bytes in, the output
// columns in, the lines out (their share of read and write; the numbers module's memory is one such buffer).
const copyFrom = new Uint8Array(4 << 20);
const copyTo = new Uint8Array(4 << 20);
const copies = (bytes: number): void => copyTo.set(copyFrom.subarray(0, bytes));
const budget = (): typeof phases => {
  const spent = { read: 0, tape: 0, write: 0, sums: 0, whole: 0, copies: 0 };
  for (const bytes of ranges) {
    let t = performance.now();
    const parsed = parsePlain(job, bytes);
    spent.read += performance.now() - t;
    t = performance.now();
    const columns = outputColumns(runModel(job.tape, parsed.columns, parsed.rows), job.gradientOrder);
    spent.tape += performance.now() - t;
    t = performance.now();
    encodeOutput(job, { rows: parsed.rows, kept: parsed.kept, columns }, reuse);
    spent.write += performance.now() - t;
    t = performance.now();
    taskSums(job.tape, columns, parsed.columns, parsed.rows);
    spent.sums += performance.now() - t;
    t = performance.now();
    const output = processChunk(job, { seq: 0, bytes, firstLine: 2, outputBuffer: reuse }).output;
    spent.whole += performance.now() - t;
    t = performance.now();
    copies(bytes.length);
    copies(8 * columns.length * parsed.rows);
    copies(output.length);
    spent.copies += performance.now() - t;
  }
  return spent;
};
budget(); // warm-up
const runs = Array.from({ length: 5 }, budget);
for (const key of Object.keys(phases) as Array<keyof typeof phases>) phases[key] = median(runs.map((r) => r[key]));
const perRow = (ms: number): string => ((ms * 1e6) / ROWS).toFixed(0);
const parts = phases.read + phases.tape + phases.write + phases.sums;
console.log(`\nPer-row budget, one core, ${ranges.length} pieces of 1 MiB (median of 5), ns a row:`);
console.log('| read | tape | write | sums | the rest | processChunk | of which copies (in read and write) |');
console.log('|---|---|---|---|---|---|---|');
console.log(
  `| ${perRow(phases.read)} | ${perRow(phases.tape)} | ${perRow(phases.write)} | ${perRow(phases.sums)} | ${perRow(Math.max(0, phases.whole - parts))} | ${perRow(phases.whole)} | ${perRow(phases.copies)} |`,
);
