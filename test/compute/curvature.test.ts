/**
 * The curvature sums a second-order fit's passes return (task-sums.ts): against a central-difference Hessian
 * of the batch loss, where they are the exact Hessian (bce on a linear logit, squared on a linear model), and
 * against 2·Σ J·Jᵀ with J from central differences of f, where they are the Gauss–Newton matrix.
 */
import { describe, expect, it } from 'vitest';
import { ExactSum, type ExactSumState } from '../../src/compute/exact-sum.js';
import { curvatureColumnNames, type TapeSpec } from '../../src/compute/job/job.js';
import { runModel } from '../../src/compute/job/model-tape.js';
import { taskSums } from '../../src/compute/job/task-sums.js';
import { seededRandom, uniform } from '../support/random.js';

const rounded = (state: ExactSumState): number => {
  const sum = new ExactSum();
  sum.addState(state);
  return sum.value();
};

/** The summed gradient of the loss over the parameters, with the parameters at `params`. */
function gradientAt(spec: TapeSpec, columns: Float64Array[], rows: number, params: readonly number[]): number[] {
  const run = runModel({ ...spec, params }, columns, rows);
  const first = spec.inputs.length - spec.params.length;
  return run.gradients.slice(first).map((g) => g.reduce((s, v) => s + v, 0));
}

/** The curvature sums as a dense matrix, from the upper triangle in curvatureColumnNames' order. */
function curvatureAt(spec: TapeSpec, columns: Float64Array[], rows: number): number[][] {
  const sums = taskSums({ ...spec, curvature: true }, [], columns, rows).map(rounded);
  const p = spec.params.length;
  const h = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a; b < p; b++) h[a]![b] = h[b]![a] = sums[k++]!;
  expect(k).toBe(curvatureColumnNames({ ...spec, curvature: true }).length);
  return h;
}

function expectNear(got: number[][], want: number[][], relative: number): void {
  const scale = Math.max(...want.flat().map(Math.abs));
  got.forEach((row, a) => {
    row.forEach((v, b) => {
      expect(Math.abs(v - want[a]![b]!)).toBeLessThanOrEqual(relative * scale);
    });
  });
}

/** Central differences of the summed gradient, column by column. */
function differencedHessian(spec: TapeSpec, columns: Float64Array[], rows: number): number[][] {
  return spec.params.map((value, b) => {
    const h = 1e-5 * Math.max(1, Math.abs(value));
    const up = gradientAt(
      spec,
      columns,
      rows,
      spec.params.map((v, k) => (k === b ? v + h : v)),
    );
    const down = gradientAt(
      spec,
      columns,
      rows,
      spec.params.map((v, k) => (k === b ? v - h : v)),
    );
    return up.map((u, a) => (u - down[a]!) / (2 * h));
  });
}

describe('the curvature sums of a second-order fit', () => {
  const random = seededRandom(31);
  const rows = 500;
  const a = Float64Array.from({ length: rows }, () => uniform(random, -2, 2));
  const c = Float64Array.from({ length: rows }, () => uniform(random, -2, 2));
  const labels = Float64Array.from({ length: rows }, () => (random() < 0.4 ? 1 : 0));
  const weights = Float64Array.from({ length: rows }, () => uniform(random, 0, 3));

  it('are the exact Hessian of bce on the logistic model, weighted or not, at ordinary and large logits', () => {
    for (const scale of [0.5, 5]) {
      const spec: TapeSpec = {
        model: { kind: 'features', names: ['a', 'c'] },
        loss: { kind: 'bce', label: 'y' },
        inputs: ['a', 'c', 'y', 'w_a', 'w_c', 'b'],
        params: [0.8 * scale, -1.1 * scale, 0.3 * scale],
      };
      const columns = [a, c, labels];
      expectNear(curvatureAt(spec, columns, rows), differencedHessian(spec, columns, rows), 1e-6);
      const weighted: TapeSpec = {
        ...spec,
        loss: { kind: 'bce', label: 'y', weight: 'v' },
        inputs: ['a', 'c', 'y', 'v', 'w_a', 'w_c', 'b'],
      };
      const withWeights = [a, c, labels, weights];
      expectNear(curvatureAt(weighted, withWeights, rows), differencedHessian(weighted, withWeights, rows), 1e-6);
    }
  });

  it('are the exact Hessian of poisson on the log-linear model, Σ exp(z)·x·xᵀ', () => {
    const counts = Float64Array.from({ length: rows }, () => Math.floor(uniform(random, 0, 6)));
    const spec: TapeSpec = {
      model: { kind: 'features', names: ['a', 'c'] },
      loss: { kind: 'poisson', label: 'y' },
      inputs: ['a', 'c', 'y', 'w_a', 'w_c', 'b'],
      params: [0.3, -0.2, 0.5],
    };
    expectNear(curvatureAt(spec, [a, c, counts], rows), differencedHessian(spec, [a, c, counts], rows), 1e-6);
  });

  it("are softmax's exact Hessian Σ x̃·x̃ᵀ ⊗ (diag p - p·pᵀ), weighted, over its class-by-class parameters", () => {
    const classes = Float64Array.from({ length: rows }, () => Math.floor(uniform(random, 0, 3)));
    const spec: TapeSpec = {
      model: { kind: 'softmax', names: ['a', 'c'], classes: ['x', 'y', 'z'] },
      loss: { kind: 'softmax', label: 'k', weight: 'v' },
      inputs: ['a', 'c', 'k', 'v', ...['x', 'y', 'z'].flatMap((k) => [`w_${k}_a`, `w_${k}_c`, `b_${k}`])],
      params: [0.5, -0.3, 0.1, -0.2, 0.7, 0, 0.4, 0.2, -0.5],
    };
    const columns = [a, c, classes, weights];
    expectNear(curvatureAt(spec, columns, rows), differencedHessian(spec, columns, rows), 1e-6);
  });

  it('keep their relative accuracy where the logit is huge (sigmoid(z)·sigmoid(-z) ≈ exp(-|z|)), with no NaN', () => {
    const spec: TapeSpec = {
      model: { kind: 'features', names: ['a'] },
      loss: { kind: 'bce', label: 'y' },
      inputs: ['a', 'y', 'w_a', 'b'],
      params: [0, 700],
    };
    const one = Float64Array.of(0);
    const [haa, hab, hbb] = taskSums({ ...spec, curvature: true }, [], [one, Float64Array.of(1)], 1).map(rounded);
    expect(haa).toBe(0);
    expect(hab).toBe(0);
    expect(Math.abs(hbb! - Math.exp(-700)) / Math.exp(-700)).toBeLessThan(1e-13);
  });

  it('are the exact Hessian of squared on a linear formula', () => {
    const y = Float64Array.from(a, (v, i) => 2 * v - c[i]! + 0.1 * uniform(random, -1, 1));
    const spec: TapeSpec = {
      model: { kind: 'formula', text: 'p*a + q*c + r' },
      loss: { kind: 'squared', label: 'y' },
      inputs: ['a', 'c', 'y', 'p', 'q', 'r'],
      params: [1.5, -0.5, 0.2],
    };
    expectNear(curvatureAt(spec, [a, c, y], rows), differencedHessian(spec, [a, c, y], rows), 1e-7);
  });

  it('are the Gauss–Newton matrix 2·Σ J·Jᵀ of squared on a nonlinear formula, J = df/dθ', () => {
    const t = Float64Array.from({ length: rows }, () => uniform(random, 0, 5));
    const y = Float64Array.from(t, (v) => 3 * Math.exp(-0.4 * v) + 0.5);
    const spec: TapeSpec = {
      model: { kind: 'formula', text: 'k0*exp(-k1*t) + k2' },
      loss: { kind: 'squared', label: 'y' },
      inputs: ['t', 'y', 'k0', 'k1', 'k2'],
      params: [2, 0.3, 0.1],
    };
    const f = (params: number[]): Float64Array =>
      runModel({ model: spec.model, inputs: ['t', 'k0', 'k1', 'k2'], params }, [t], rows).predictions[0]!.slice();
    const jacobian = spec.params.map((value, k) => {
      const h = 1e-6;
      const up = f(spec.params.map((v, j) => (j === k ? value + h : v)));
      const down = f(spec.params.map((v, j) => (j === k ? value - h : v)));
      return up.map((u, i) => (u - down[i]!) / (2 * h));
    });
    const want = jacobian.map((ja) => jacobian.map((jb) => 2 * ja.reduce((s, v, i) => s + v * jb[i]!, 0)));
    expectNear(curvatureAt(spec, [t, y], rows), want, 1e-8);
  });

  it("on the linear model are the curvature tape's to the bit (the same model as a formula goes through the tape)", () => {
    for (const kind of ['bce', 'poisson'] as const) {
      const labels = Float64Array.from({ length: rows }, (_, i) => (kind === 'bce' ? i % 2 : i % 5));
      const byHand: TapeSpec = {
        model: { kind: 'features', names: ['a', 'c'] },
        loss: { kind, label: 'y', weight: 'v' },
        inputs: ['a', 'c', 'y', 'v', 'w_a', 'w_c', 'b'],
        params: [0.8, -1.1, 0.3],
        curvature: true,
      };
      const byTape: TapeSpec = { ...byHand, model: { kind: 'formula', text: 'w_a*a + w_c*c + b' } };
      const columns = [a, c, labels, weights];
      expect(taskSums(byHand, [], columns, rows).map(rounded)).toEqual(
        taskSums(byTape, [], columns, rows).map(rounded),
      );
    }
  });

  it('are the same bits however the rows are split into tasks', () => {
    const spec: TapeSpec = {
      model: { kind: 'features', names: ['a', 'c'] },
      loss: { kind: 'bce', label: 'y', weight: 'v' },
      inputs: ['a', 'c', 'y', 'v', 'w_a', 'w_c', 'b'],
      params: [0.8, -1.1, 0.3],
      curvature: true,
    };
    const whole = taskSums(spec, [], [a, c, labels, weights], rows).map(rounded);
    for (const cut of [1, 77, 250, 499]) {
      const parts = [
        taskSums(
          spec,
          [],
          [a, c, labels, weights].map((col) => col.subarray(0, cut)),
          cut,
        ),
        taskSums(
          spec,
          [],
          [a, c, labels, weights].map((col) => col.subarray(cut)),
          rows - cut,
        ),
      ];
      const joined = parts[0]!.map((state, k) => {
        const sum = new ExactSum();
        sum.addState(state);
        sum.addState(parts[1]![k]!);
        return sum.value();
      });
      expect(joined).toEqual(whole);
    }
  });
});
