/**
 * Micro-benchmark of the gradient core: the compiled n=2 logistic tape, forward + backward over 64k-row
 * batches, against a hand-written closed-form loop in the same run. Prints rows/s for both and the ratio.
 * Usage: node dist/bench/tape.js [--seconds S]
 */
import { compileTape, logisticModel } from '../src/core/index.js';

const ROWS = 65_536;
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 2;

function columns(count: number): Float64Array[] {
  let state = 12345;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 4 - 2;
  };
  return Array.from({ length: count }, () => Float64Array.from({ length: ROWS }, random));
}

/** The same job written by hand: z, f, and f(1-f) times the other factor, as a reader would write it. */
function closedForm(input: Float64Array[], f: Float64Array, grads: Float64Array[]): void {
  const [w1, w2, x1, x2, b] = input as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const [gw1, gw2, gx1, gx2, gb] = grads as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < ROWS; i++) {
    const z = w1[i]! * x1[i]! + w2[i]! * x2[i]! + b[i]!;
    const e = Math.exp(-Math.abs(z));
    const s = 1 / (1 + e);
    const y = z >= 0 ? s : e * s;
    const slope = e * s * s;
    f[i] = y;
    gw1[i] = slope * x1[i]!;
    gw2[i] = slope * x2[i]!;
    gx1[i] = slope * w1[i]!;
    gx2[i] = slope * w2[i]!;
    gb[i] = slope;
  }
}

/** Rows per second of `step` (one 64k batch per call), after a warm-up, over about `seconds`. */
function rowsPerSecond(step: () => void): number {
  for (let i = 0; i < 20; i++) step();
  let batches = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 10; i++) step();
    batches += 10;
    elapsed = process.hrtime.bigint() - start;
  }
  return (batches * ROWS) / (Number(elapsed) / 1e9);
}

export function runTapeBenchmark(): { tape: number; closedForm: number; ratio: number } {
  const model = logisticModel(2);
  const tape = compileTape(model.output, model.inputs);
  const input = columns(5);
  const f = new Float64Array(ROWS);
  const grads = columns(5);
  const tapeRate = rowsPerSecond(() => tape.run(input, ROWS));
  const closedRate = rowsPerSecond(() => closedForm(input, f, grads));
  return { tape: tapeRate, closedForm: closedRate, ratio: tapeRate / closedRate };
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const result = runTapeBenchmark();
  const m = (r: number): string => `${(r / 1e6).toFixed(1)} M rows/s`;
  console.log('| n=2 logistic, forward + backward, 64k-row batches, 1 thread | rows/s |');
  console.log('|---|---|');
  console.log(`| compiled tape | ${m(result.tape)} |`);
  console.log(`| hand-written closed form | ${m(result.closedForm)} |`);
  console.log(`| tape / closed form | ${result.ratio.toFixed(2)} |`);
}
