/**
 * The softmax model's loss and gradients (core/softmax.ts): against the textbook form at ordinary points,
 * against central differences, and at extreme logits, where the textbook form overflows or cancels.
 */
import { describe, expect, it } from 'vitest';
import { softmaxParameterNames, softmaxRows } from '../../src/core/softmax.js';
import { seededRandom, uniform } from '../support/random.js';

const relative = (got: number, want: number): number => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));

/** One row with no features: the parameters are the biases, so z = params. */
function atLogits(z: readonly number[], label: number): { loss: number; p: number[]; slopes: number[] } {
  const k = z.length;
  const into = {
    probabilities: z.map(() => new Float64Array(1)),
    loss: new Float64Array(1),
    slopes: z.map(() => new Float64Array(1)),
  };
  // A feature column of zeros with weight 0 keeps the logit exactly the bias.
  const params = z.flatMap((b) => [0, b]);
  softmaxRows([new Float64Array(1)], Float64Array.of(label), undefined, params, k, 1, into);
  return { loss: into.loss[0]!, p: into.probabilities.map((c) => c[0]!), slopes: into.slopes.map((c) => c[0]!) };
}

describe('the softmax loss', () => {
  it('is logsumexp(z) - z_label with gradient p - onehot(label), at ordinary logits', () => {
    const random = seededRandom(12);
    for (let t = 0; t < 500; t++) {
      const z = Array.from({ length: 4 }, () => uniform(random, -8, 8));
      const y = Math.floor(uniform(random, 0, 4));
      const { loss, p, slopes } = atLogits(z, y);
      const total = z.reduce((s, v) => s + Math.exp(v), 0);
      // log Σ exp(z_c - z_y), as log1p of the other classes' terms: no cancellation for any loss.
      const others = z.reduce((s, v, c) => (c === y ? s : s + Math.exp(v - z[y]!)), 0);
      expect(relative(loss, Math.log1p(others))).toBeLessThanOrEqual(1e-13);
      z.forEach((v, c) => {
        expect(Math.abs(p[c]! - Math.exp(v) / total)).toBeLessThanOrEqual(1e-15);
        expect(Math.abs(slopes[c]! - (Math.exp(v) / total - (c === y ? 1 : 0)))).toBeLessThanOrEqual(1e-15);
      });
      expect(Math.abs(p.reduce((s, v) => s + v, 0) - 1)).toBeLessThanOrEqual(8 * Number.EPSILON);
    }
  });

  it('has the gradient central differences give, for weights and biases over features', () => {
    const random = seededRandom(13);
    const rows = 50;
    const d = 3;
    const k = 3;
    const x = Array.from({ length: d }, () => Float64Array.from({ length: rows }, () => uniform(random, -2, 2)));
    const y = Float64Array.from({ length: rows }, () => Math.floor(uniform(random, 0, k)));
    const params = Array.from({ length: k * (d + 1) }, () => uniform(random, -1, 1));
    const run = (theta: readonly number[]) => {
      const into = {
        probabilities: Array.from({ length: k }, () => new Float64Array(rows)),
        loss: new Float64Array(rows),
        slopes: Array.from({ length: k }, () => new Float64Array(rows)),
      };
      softmaxRows(x, y, undefined, theta, k, rows, into);
      return into;
    };
    const base = run(params);
    const total = (theta: readonly number[]): number => run(theta).loss.reduce((s, v) => s + v, 0);
    for (let a = 0; a < params.length; a++) {
      const c = Math.floor(a / (d + 1));
      const j = a % (d + 1);
      let analytic = 0;
      for (let i = 0; i < rows; i++) analytic += base.slopes[c]![i]! * (j === d ? 1 : x[j]![i]!);
      const h = 1e-6;
      const numeric =
        (total(params.map((v, b) => (b === a ? v + h : v))) - total(params.map((v, b) => (b === a ? v - h : v)))) /
        (2 * h);
      expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('is finite for logits of ±1e3 and ±1e300, with the exact limits, and no NaN', () => {
    for (const scale of [1e3, 1e300]) {
      const z = [scale, -scale, 0];
      for (let y = 0; y < 3; y++) {
        const { loss, p, slopes } = atLogits(z, y);
        for (const v of [loss, ...p, ...slopes]) expect(Number.isNaN(v)).toBe(false);
        expect(Number.isFinite(loss)).toBe(true);
      }
      // Right and confident: exp(-1e3) is below the smallest double, so the loss is 0; wrong: the gap.
      expect(atLogits(z, 0).loss).toBe(0);
      expect(atLogits(z, 1).loss).toBe(2 * scale);
      expect(atLogits(z, 2).loss).toBe(scale);
      expect(atLogits(z, 0).slopes).toEqual([-0, 0, 0]);
      expect(atLogits(z, 1).slopes).toEqual([1, -1, 0]);
    }
  });

  it('keeps full relative precision where the loss is tiny (a confident right answer), and in its slope', () => {
    // loss = log(1 + 2e^-40): logsumexp(z) - z_label would give 0.
    const { loss, slopes } = atLogits([40, 0, 0], 0);
    const others = 2 * Math.exp(-40);
    expect(relative(loss, Math.log1p(others))).toBeLessThanOrEqual(2 ** -52);
    expect(relative(slopes[0]!, -others / (1 + others))).toBeLessThanOrEqual(4 * 2 ** -52);
    expect(relative(atLogits([700, 0], 0).loss, Math.exp(-700))).toBeLessThanOrEqual(2 ** -52);
  });

  it('names its parameters w_<class>_<feature> and b_<class>, class by class', () => {
    expect(softmaxParameterNames(['setosa', '7'], ['a', 'b'])).toEqual([
      'w_setosa_a',
      'w_setosa_b',
      'b_setosa',
      'w_7_a',
      'w_7_b',
      'b_7',
    ]);
  });
});
