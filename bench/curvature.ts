/**
 * What a second-order fit's curvature costs a row, on one thread: a pass's sums (the loss, its gradient and
 * their exact sums) with and without the curvature (its products' exact sums), for the logistic model over
 * d features, 16,384-row tasks. docs/training.md quotes it.
 * Usage: node dist/bench/curvature.js [--features 16] [--seconds 2]
 */
import type { TapeSpec } from '../src/compute/job/job.js';
import { outputColumns, runModel } from '../src/compute/job/model-tape.js';
import { taskSums } from '../src/compute/job/task-sums.js';

const ROWS = 16_384;
const argument = (name: string, fallback: number): number =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const d = argument('--features', 16);
const seconds = argument('--seconds', 2);

let state = 7;
const random = (): number => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
const names = Array.from({ length: d }, (_, j) => `x${j + 1}`);
const columns = [
  ...names.map(() => Float64Array.from({ length: ROWS }, () => 4 * random() - 2)),
  Float64Array.from({ length: ROWS }, () => (random() < 0.5 ? 1 : 0)),
];
const params = [...names.map((n) => `w_${n}`), 'b'];
const plain: TapeSpec = {
  model: { kind: 'features', names },
  loss: { kind: 'bce', label: 'y' },
  inputs: [...names, 'y', ...params],
  params: params.map(() => 0.1),
  differentiate: params.map((_, k) => d + 1 + k),
};
const gradientOrder = plain.differentiate!;

/** ns a row of one task's model run and sums, best of three timed stretches. */
function nsPerRow(spec: TapeSpec): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    let tasks = 0;
    while (performance.now() - started < (seconds * 1000) / 3) {
      const run = runModel(spec, columns, ROWS);
      taskSums(spec, outputColumns(run, gradientOrder), columns, ROWS);
      tasks++;
    }
    best = Math.min(best, ((performance.now() - started) * 1e6) / (tasks * ROWS));
  }
  return best;
}

const without = nsPerRow(plain);
const withCurvature = nsPerRow({ ...plain, curvature: true });
console.log(
  `| ${d} features, ${d + 1} parameters, ${((d + 1) * (d + 2)) / 2} curvature products a row, 1 thread | ns a row |`,
);
console.log('|---|---|');
console.log(`| a plain pass (loss, gradient, exact sums) | ${without.toFixed(0)} |`);
console.log(`| a curvature pass | ${withCurvature.toFixed(0)} |`);
console.log(`| ratio | ${(withCurvature / without).toFixed(2)} |`);
