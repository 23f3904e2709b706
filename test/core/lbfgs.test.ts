import { describe, expect, it } from 'vitest';
import { lbfgs, type Objective } from '../../src/core/optimize/lbfgs.js';
import { type LinePoint, strongWolfe } from '../../src/core/optimize/line-search.js';

/** Rosenbrock in n dimensions: minimum 0 at (1, ..., 1). */
const rosenbrock: Objective = async (x) => {
  let value = 0;
  const gradient = new Float64Array(x.length);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    value += 100 * a * a + b * b;
    gradient[i]! += -400 * x[i]! * a - 2 * b;
    gradient[i + 1]! += 200 * a;
  }
  return { value, gradient };
};

/** 0.5 sum c_i (x_i - t_i)^2 with condition number 1e4. */
const scales = Float64Array.from({ length: 20 }, (_, i) => 10 ** ((4 * i) / 19));
const target = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1));
const quadratic: Objective = async (x) => {
  let value = 0;
  const gradient = new Float64Array(x.length);
  x.forEach((v, i) => {
    const r = v - target[i]!;
    value += 0.5 * scales[i]! * r * r;
    gradient[i] = scales[i]! * r;
  });
  return { value, gradient };
};

describe('L-BFGS', () => {
  it('finds the Rosenbrock minimum in 2 and 10 dimensions from the classic start', async () => {
    for (const n of [2, 10]) {
      const start = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
      const result = await lbfgs(rosenbrock, start, { maxIterations: 500, tolerance: 1e-10, history: 10 });
      expect(result.status).toBe('converged');
      for (const v of result.x) expect(Math.abs(v - 1)).toBeLessThan(1e-8);
      expect(result.value).toBeLessThan(1e-16);
      expect(result.log.at(-1)!.gradientNorm).toBe(result.gradientNorm);
    }
  });

  it("solves an ill-conditioned quadratic (condition 1e4) in no more iterations than scipy's L-BFGS-B", async () => {
    const result = await lbfgs(quadratic, new Float64Array(20), { maxIterations: 2000, tolerance: 1e-7, history: 10 });
    expect(result.status).toBe('converged');
    // A gradient component of at most 1e-7 puts each coordinate within 1e-7 / scale of the minimum.
    for (const [i, v] of result.x.entries()) expect(Math.abs(v - target[i]!)).toBeLessThanOrEqual(1e-7 / scales[i]!);
    // scipy 1.10's L-BFGS-B (maxcor 10, gtol 1e-7, ftol 0) takes 585 iterations on this problem.
    expect(result.iterations).toBeLessThanOrEqual(585);
  });

  it('says why it stopped, whatever stopped it', async () => {
    const capped = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 3,
      tolerance: 1e-12,
      history: 5,
    });
    expect(capped.status).toBe('max-iterations');
    expect(capped.iterations).toBe(3);
    expect(capped.message).toMatch(/stopped after 3 iterations/);
    const atMinimum = await lbfgs(rosenbrock, Float64Array.of(1, 1), {
      maxIterations: 10,
      tolerance: 1e-12,
      history: 5,
    });
    expect(atMinimum).toMatchObject({ status: 'converged', iterations: 0 });
    const broken = await lbfgs(async () => ({ value: Number.NaN, gradient: Float64Array.of(1) }), Float64Array.of(0), {
      maxIterations: 5,
      tolerance: 1e-6,
      history: 3,
    });
    expect(broken.status).toBe('line-search-failed');
  });

  it('takes the same path, to the bit, on the same objective values', async () => {
    const a = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 200, tolerance: 1e-10, history: 7 });
    const b = await lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 200, tolerance: 1e-10, history: 7 });
    expect(b.log).toEqual(a.log);
    expect([...b.x]).toEqual([...a.x]);
  });
});

describe('the strong-Wolfe line search', () => {
  it('returns steps that meet both conditions, along many directions of Rosenbrock', async () => {
    const c1 = 1e-4;
    const c2 = 0.9;
    let checked = 0;
    for (let t = 0; t < 40; t++) {
      const x = Float64Array.of(-2 + t * 0.1, 2 - t * 0.07);
      const { value, gradient } = await rosenbrock(x);
      const d = Float64Array.from(gradient, (g) => -g);
      const slope = gradient.reduce((s, g, i) => s + g * d[i]!, 0);
      const phi = async (step: number): Promise<LinePoint<null>> => {
        const at = Float64Array.from(x, (v, i) => v + step * d[i]!);
        const e = await rosenbrock(at);
        return { step, value: e.value, slope: e.gradient.reduce((s, g, i) => s + g * d[i]!, 0), at: null };
      };
      const firstStep = 1 / Math.hypot(...d);
      const result = await strongWolfe(phi, { step: 0, value, slope, at: null }, firstStep, {
        c1,
        c2,
        maxEvaluations: 40,
      });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const p = result.point;
      expect(p.value).toBeLessThanOrEqual(value + c1 * p.step * slope);
      expect(Math.abs(p.slope)).toBeLessThanOrEqual(-c2 * slope);
      checked++;
    }
    expect(checked).toBe(40);
  });
});
