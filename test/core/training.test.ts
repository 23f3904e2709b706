/**
 * Losses and the functions hand-written losses use: values against references that do not share the
 * implementation's formulas, gradients against closed forms and central differences, at ordinary and
 * extreme points. No finite input may give NaN or Infinity where the truth is finite.
 */
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/core/index.js';
import { computeColumns } from '../../src/index.js';
import { seededRandom, uniform } from '../support/random.js';

const relative = (got: number, want: number): number => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));
const op = (name: keyof typeof OPS, a: number, b = 0): { value: number; grad: number; gradB: number } => {
  const rule = OPS[name] as (typeof OPS)[keyof typeof OPS] & {
    gradB?: (a: number, b: number, y: number, g: number) => number;
  };
  const value = rule.value(a, b);
  return { value, grad: rule.gradA(a, b, value, 1), gradB: rule.gradB?.(a, b, value, 1) ?? Number.NaN };
};
const central = (f: (x: number) => number, x: number, h = 1e-6 * Math.max(1, Math.abs(x))): number =>
  (f(x + h) - f(x - h)) / (2 * h);

describe('the functions for hand-written losses', () => {
  it('softplus(800) = 800 and softplus(-700) = exp(-700) to full relative precision', () => {
    expect(op('softplus', 800).value).toBe(800);
    expect(relative(op('softplus', -700).value, Math.exp(-700))).toBeLessThanOrEqual(2 ** -52);
    expect(op('softplus', 1e300).value).toBe(1e300);
    expect(op('softplus', -1e300).value).toBe(0);
    expect(op('softplus', 0).value).toBe(Math.LN2);
  });

  it('logsigmoid(-800) = -800, and logsigmoid(40) = -exp(-40) to full relative precision', () => {
    expect(op('logsigmoid', -800).value).toBe(-800);
    expect(relative(op('logsigmoid', 40).value, -Math.exp(-40))).toBeLessThanOrEqual(2 ** -52);
  });

  it('log1p and expm1 keep full relative precision near 0, where log(1 + x) and exp(x) - 1 lose it', () => {
    expect(op('log1p', 1e-20).value).toBe(1e-20);
    expect(op('expm1', 1e-20).value).toBe(1e-20);
    expect(op('expm1', 1e-20).grad).toBe(1);
  });

  it.each(['softplus', 'logsigmoid', 'log1p', 'expm1'] as const)(
    '%s: the gradient matches central differences',
    (name) => {
      const points = name === 'log1p' ? [-0.9, -0.3, 0, 0.5, 3, 100] : [-30, -5, -1, -0.1, 0, 0.1, 1, 5, 30];
      for (const x of points) {
        const { grad } = op(name, x);
        const numeric = central((t) => op(name, t).value, x);
        expect(Math.abs(grad - numeric)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(numeric)));
      }
    },
  );

  it('softplus and logsigmoid have the exact sigmoid slopes in the tails, not 0 or NaN', () => {
    expect(relative(op('softplus', -700).grad, Math.exp(-700))).toBeLessThanOrEqual(1e-15);
    expect(op('softplus', 1e300).grad).toBe(1);
    expect(relative(op('logsigmoid', 700).grad, Math.exp(-700))).toBeLessThanOrEqual(1e-15);
  });
});

describe('binary cross-entropy on the logit', () => {
  /** log(1 + e^-|z|) + max(z, 0) - y z, written differently from the op (and exact for these points). */
  const reference = (z: number, y: number): number => Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));

  it('is finite for every finite logit, |z| up to 1e300, with the exact limits', () => {
    for (const z of [0, 1, -1, 37, -37, 710, -710, 1e4, -1e4, 1e300, -1e300]) {
      for (const y of [0, 1]) {
        const { value, grad } = op('bce', z, y);
        expect(Number.isFinite(value)).toBe(true);
        expect(Number.isFinite(grad)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }
    }
    expect(op('bce', 1e300, 0).value).toBe(1e300);
    expect(op('bce', 1e300, 1).value).toBe(0);
    expect(op('bce', 1e300, 1).grad).toBe(-0);
    expect(op('bce', -1e300, 0).grad).toBe(0);
    expect(op('bce', -1e300, 1).grad).toBe(-1);
  });

  it('keeps full relative precision where the loss is tiny (a confident right answer)', () => {
    // softplus(z) - z for y = 1 would be 0 here; the true loss is log1p(exp(-40)).
    expect(relative(op('bce', 40, 1).value, Math.log1p(Math.exp(-40)))).toBeLessThanOrEqual(2 ** -52);
    expect(relative(op('bce', -40, 0).value, Math.log1p(Math.exp(-40)))).toBeLessThanOrEqual(2 ** -52);
    expect(relative(op('bce', 40, 1).grad, -Math.exp(-40) / (1 + Math.exp(-40)))).toBeLessThanOrEqual(1e-15);
    expect(relative(op('bce', 700, 1).value, Math.exp(-700))).toBeLessThanOrEqual(1e-15);
  });

  it('agrees with softplus(z) - y z and its derivative sigmoid(z) - y at ordinary points', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 2000; i++) {
      const z = uniform(random, -30, 30);
      const y = random() < 0.5 ? 0 : 1;
      const { value, grad, gradB } = op('bce', z, y);
      expect(relative(value, reference(z, y))).toBeLessThanOrEqual(1e-13);
      expect(Math.abs(grad - (1 / (1 + Math.exp(-z)) - y))).toBeLessThanOrEqual(1e-15);
      expect(gradB).toBe(-z);
    }
  });
});

describe("Poisson's loss on the log of the mean", () => {
  it('is exp(z) - y z, with derivative exp(z) - y, against central differences at ordinary points', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const z = uniform(random, -20, 20);
      const y = Math.floor(uniform(random, 0, 30));
      const { value, grad, gradB } = op('poisson', z, y);
      expect(relative(value, Math.exp(z) - y * z)).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(grad - central((t) => op('poisson', t, y).value, z))).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(grad)),
      );
      expect(gradB).toBe(-z);
    }
  });

  it('is finite wherever exp(z) is, keeps full relative precision where it is tiny, and is Infinity past it', () => {
    for (const z of [-1e300, -1e4, -745, -700, 0, 700, 709]) {
      for (const y of [0, 1, 1e6]) {
        const { value, grad } = op('poisson', z, y);
        expect(Number.isFinite(value)).toBe(true);
        expect(Number.isFinite(grad)).toBe(true);
      }
    }
    // A count of 0 predicted as exp(-700): the loss is exp(-700) itself, not lost to a difference.
    expect(relative(op('poisson', -700, 0).value, Math.exp(-700))).toBeLessThanOrEqual(2 ** -52);
    expect(op('poisson', -1e300, 2).value).toBe(2e300);
    expect(op('poisson', 710, 0).value).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives per-row gradients (exp(z) - y)·x and the mean exp(z) as f, for the model over features', () => {
    const x = [0.5, -1, 2];
    const y = [3, 0, 1];
    const result = computeColumns(
      { x, y },
      { features: ['x'], params: { w_x: 0.4, b: -0.3 }, label: 'y', loss: 'poisson' },
    );
    x.forEach((xi, i) => {
      const z = 0.4 * xi - 0.3;
      expect(relative(result.value[i]!, Math.exp(z))).toBeLessThanOrEqual(1e-15);
      expect(relative(result.loss![i]!, Math.exp(z) - y[i]! * z)).toBeLessThanOrEqual(1e-15);
      expect(relative(result.gradients.w_x![i]!, (Math.exp(z) - y[i]!) * xi)).toBeLessThanOrEqual(1e-15);
      expect(relative(result.gradients.b![i]!, Math.exp(z) - y[i]!)).toBeLessThanOrEqual(1e-15);
    });
  });

  it('takes a formula as the log of the mean: f = exp(formula)', () => {
    const result = computeColumns(
      { t: [1, 2], y: [0, 4] },
      { expr: 'a * t', params: { a: 0.5 }, label: 'y', loss: 'poisson' },
    );
    [1, 2].forEach((t, i) => {
      const z = 0.5 * t;
      expect(relative(result.value[i]!, Math.exp(z))).toBeLessThanOrEqual(1e-15);
      expect(relative(result.gradients.a![i]!, (Math.exp(z) - [0, 4][i]!) * t)).toBeLessThanOrEqual(1e-15);
    });
  });

  it('refuses a label that is negative or not finite, located by row', () => {
    for (const bad of [-1, Number.POSITIVE_INFINITY]) {
      expect(() =>
        computeColumns({ x: [1, 2], y: [1, bad] }, { features: ['x'], label: 'y', loss: 'poisson' }),
      ).toThrow(/row 2: a poisson label must be a finite number >= 0/);
    }
  });
});

describe('per-row loss gradients with respect to shared parameters', () => {
  /** Rows with 3 features, labels 0/1, and the logit's scale chosen per row up to |z| in the thousands. */
  function dataset(seed: number, rows: number) {
    const random = seededRandom(seed);
    const x = [0, 1, 2].map(() => Float64Array.from({ length: rows }, () => uniform(random, -1, 1)));
    const y = Float64Array.from({ length: rows }, () => (random() < 0.5 ? 0 : 1));
    return { x, y };
  }

  it('are (sigmoid(z) - y) * x, checked against central differences, with no NaN or Infinity for |z| up to thousands', () => {
    const { x, y } = dataset(11, 300);
    for (const scale of [1, 30, 300, 3000]) {
      const params = { w_a: 0.7 * scale, w_b: -1.3 * scale, w_c: 0.4 * scale, b: 0.1 * scale };
      const columns = { a: x[0]!, b_: x[1]!, c: x[2]!, y };
      const features = ['a', 'b_', 'c'];
      const run = (p: Record<string, number>) =>
        computeColumns(
          { a: columns.a, b_: columns.b_, c: columns.c, y },
          {
            features,
            params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k === 'w_b' ? 'w_b_' : k, v])),
            label: 'y',
            loss: 'bce',
          },
        );
      const base = run(params);
      for (const name of ['w_a', 'w_b_', 'w_c', 'b']) {
        for (const column of [base.loss!, base.gradients[name]!])
          for (const v of column) expect(Number.isFinite(v)).toBe(true);
      }
      for (let i = 0; i < 300; i++) {
        const xi = [columns.a[i]!, columns.b_[i]!, columns.c[i]!];
        const z = params.w_a * xi[0]! + params.w_b * xi[1]! + params.w_c * xi[2]! + params.b;
        const slope = y[i] === 1 ? -1 / (1 + Math.exp(z)) : 1 / (1 + Math.exp(-z));
        const want = { w_a: slope * xi[0]!, w_b_: slope * xi[1]!, w_c: slope * xi[2]!, b: slope };
        for (const [name, value] of Object.entries(want)) {
          const got = base.gradients[name]![i]!;
          expect(Math.abs(got - value)).toBeLessThanOrEqual(1e-14 * Math.max(Math.abs(value), 1e-300) + 1e-300);
        }
      }
      // Central differences on the summed loss, where it is smooth enough to difference (scale 1 and 30).
      if (scale <= 30) {
        const total = (p: Record<string, number>): number => run(p).loss!.reduce((s, v) => s + v, 0);
        for (const name of ['w_a', 'w_b', 'w_c', 'b'] as const) {
          const h = 1e-6 * Math.max(1, Math.abs(params[name]));
          const numeric =
            (total({ ...params, [name]: params[name] + h }) - total({ ...params, [name]: params[name] - h })) / (2 * h);
          const analytic = base.gradients[name === 'w_b' ? 'w_b_' : name]!.reduce((s, v) => s + v, 0);
          expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(numeric)));
        }
      }
    }
  });

  it("weights each row's loss and gradient by the weight column", () => {
    const columns = { x: [1, 2, -1], y: [1, 0, 1], w: [2, 0.5, 0] };
    const plain = computeColumns(
      { x: columns.x, y: columns.y, w: columns.w },
      { features: ['x'], params: { w_x: 0.3, b: -0.2 }, label: 'y', loss: 'bce' },
    );
    const weighted = computeColumns(columns, {
      features: ['x'],
      params: { w_x: 0.3, b: -0.2 },
      label: 'y',
      loss: 'bce',
      weight: 'w',
    });
    for (let i = 0; i < 3; i++) {
      expect(weighted.loss![i]).toBe(columns.w[i]! * plain.loss![i]!);
      expect(weighted.gradients.w_x![i]).toBe(columns.w[i]! * plain.gradients.w_x![i]!);
    }
  });

  it('squared loss on a formula: 2 (f - y) df/dp for each parameter, and f as the model gives it', () => {
    const t = [0, 1, 2, 3.5];
    const y = [3, 2.2, 1.7, 1.1];
    const params = { a: 2, k: 0.5, c: 0.3 };
    const result = computeColumns({ t, y }, { model: 'a*exp(-k*t) + c', params, label: 'y', loss: 'squared' });
    t.forEach((ti, i) => {
      const f = params.a * Math.exp(-params.k * ti) + params.c;
      expect(relative(result.value[i]!, f)).toBeLessThanOrEqual(1e-15);
      expect(relative(result.loss![i]!, (f - y[i]!) ** 2)).toBeLessThanOrEqual(1e-13);
      const r = 2 * (f - y[i]!);
      expect(relative(result.gradients.a![i]!, r * Math.exp(-params.k * ti))).toBeLessThanOrEqual(1e-13);
      if (ti !== 0)
        expect(relative(result.gradients.k![i]!, r * -params.a * ti * Math.exp(-params.k * ti))).toBeLessThanOrEqual(
          1e-13,
        );
      expect(relative(result.gradients.c![i]!, r)).toBeLessThanOrEqual(1e-13);
    });
  });

  it('reproduces the notebook with w1, w2, b as parameters and x1, x2 as columns', () => {
    const result = computeColumns(
      { x1: [-1], x2: [-2] },
      { params: { w1: 2, w2: -3, b: -3 }, wrt: ['w1', 'w2', 'x1', 'x2', 'b'] },
    );
    expect(result.value[0]).toBeCloseTo(0.73105857863, 11);
    // Parameters first (model order w1, w2, b), then columns (x1, x2): the notebook printed w1, w2, x1, x2, b.
    expect(Object.keys(result.gradients)).toEqual(['w1', 'w2', 'b', 'x1', 'x2']);
    const printed = ['w1', 'w2', 'x1', 'x2', 'b'].map((name) => result.gradients[name]![0]!.toFixed(2));
    expect(printed).toEqual(['-0.20', '-0.39', '0.39', '-0.59', '0.20']);
  });
});
