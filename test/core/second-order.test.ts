/** Newton's method and Levenberg–Marquardt over objectives that give their curvature. */
import { describe, expect, it } from 'vitest';
import { levenbergMarquardt } from '../../src/core/optimize/levenberg-marquardt.js';
import { newton } from '../../src/core/optimize/newton.js';
import type { CurvedObjective } from '../../src/core/optimize/second-order.js';
import { seededRandom, uniform } from '../support/random.js';

/** Rosenbrock as least squares, r = (10(x2 - x1²), 1 - x1): value Σr², gradient 2Jᵀr, curvature 2JᵀJ. */
const rosenbrockResiduals: CurvedObjective = async (x) => {
  const [x1, x2] = [x[0]!, x[1]!];
  const r = [10 * (x2 - x1 * x1), 1 - x1];
  const j = [
    [-20 * x1, 10],
    [-1, 0],
  ];
  const gradient = Float64Array.of(
    2 * (j[0]![0]! * r[0]! + j[1]![0]! * r[1]!),
    2 * (j[0]![1]! * r[0]! + j[1]![1]! * r[1]!),
  );
  const hessian = new Float64Array(4);
  for (let a = 0; a < 2; a++)
    for (let b = 0; b < 2; b++) hessian[a * 2 + b] = 2 * (j[0]![a]! * j[0]![b]! + j[1]![a]! * j[1]![b]!);
  return { value: r[0]! * r[0]! + r[1]! * r[1]!, gradient, hessian };
};

/** Mean logistic loss plus (l2/2)||w||² on generated rows: the exact Hessian is Σ σ(1-σ) x xᵀ / n + l2. */
function logistic(l2: number): CurvedObjective {
  const random = seededRandom(4);
  const rows = Array.from({ length: 400 }, () => {
    const x = [uniform(random, -2, 2), uniform(random, -2, 2), 1];
    const z = 1.2 * x[0]! - 0.7 * x[1]! + 0.2;
    return { x, y: random() < 1 / (1 + Math.exp(-z)) ? 1 : 0 };
  });
  return async (w) => {
    let value = 0;
    const gradient = new Float64Array(3);
    const hessian = new Float64Array(9);
    for (const { x, y } of rows) {
      const z = x.reduce((s, v, k) => s + v * w[k]!, 0);
      const p = 1 / (1 + Math.exp(-z));
      value += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
      for (let a = 0; a < 3; a++) {
        gradient[a]! += (p - y) * x[a]!;
        for (let b = 0; b < 3; b++) hessian[a * 3 + b]! += p * (1 - p) * x[a]! * x[b]!;
      }
    }
    const n = rows.length;
    for (let a = 0; a < 3; a++) {
      gradient[a] = gradient[a]! / n + (a < 2 ? l2 * w[a]! : 0);
      for (let b = 0; b < 3; b++) hessian[a * 3 + b] = hessian[a * 3 + b]! / n + (a === b && a < 2 ? l2 : 0);
    }
    return { value: value / n + 0.5 * l2 * (w[0]! ** 2 + w[1]! ** 2), gradient, hessian };
  };
}

describe("Newton's method", () => {
  it('fits a logistic regression to a gradient of 1e-12 in a handful of iterations, each one evaluation', async () => {
    const result = await newton(logistic(1e-3), new Float64Array(3), { maxIterations: 50, tolerance: 1e-12 });
    expect(result.status).toBe('converged');
    expect(result.iterations).toBeLessThanOrEqual(8);
    expect(result.evaluations).toBe(result.iterations + 1);
    expect(result.log.map((entry) => entry.step)).toEqual(result.log.map(() => 1));
    // Quadratic convergence: each of the last steps at least squares the gradient's size (roughly).
    const norms = result.log.map((entry) => entry.gradientNorm);
    expect(norms.at(-1)!).toBeLessThan(norms.at(-3)! ** 1.5);
  });

  it('backtracks where the full step would overshoot, and says why it stopped', async () => {
    // f(x) = sqrt(1 + x²): convex, but Newton's full step from x = 2 lands at -8.
    const hump: CurvedObjective = async (x) => {
      const s = Math.sqrt(1 + x[0]! ** 2);
      return { value: s, gradient: Float64Array.of(x[0]! / s), hessian: Float64Array.of(1 / s ** 3) };
    };
    const result = await newton(hump, Float64Array.of(2), { maxIterations: 50, tolerance: 1e-10 });
    expect(result.status).toBe('converged');
    expect(result.log[0]!.step).toBeLessThan(1);
    expect(Math.abs(result.x[0]!)).toBeLessThan(1e-9);
    const capped = await newton(hump, Float64Array.of(2), { maxIterations: 1, tolerance: 1e-10 });
    expect(capped.status).toBe('max-iterations');
    expect(capped.message).toMatch(/^stopped after 1 iterations/);
  });

  it('steps where the curvature is singular (a flat direction), by a shift that makes it positive definite', async () => {
    // f = (x1 + x2 - 1)²: the Hessian [[2,2],[2,2]] has no inverse.
    const valley: CurvedObjective = async (x) => {
      const r = x[0]! + x[1]! - 1;
      return { value: r * r, gradient: Float64Array.of(2 * r, 2 * r), hessian: Float64Array.of(2, 2, 2, 2) };
    };
    const result = await newton(valley, Float64Array.of(3, 3), { maxIterations: 20, tolerance: 1e-9 });
    expect(result.status).toBe('converged');
    expect(Math.abs(result.x[0]! + result.x[1]! - 1)).toBeLessThan(1e-9);
  });
});

describe('Levenberg–Marquardt', () => {
  it('finds the Rosenbrock minimum from the classic start in far fewer evaluations than L-BFGS needs', async () => {
    const result = await levenbergMarquardt(rosenbrockResiduals, Float64Array.of(-1.2, 1), {
      maxIterations: 200,
      tolerance: 1e-12,
    });
    expect(result.status).toBe('converged');
    expect(Math.abs(result.x[0]! - 1)).toBeLessThan(1e-9);
    expect(Math.abs(result.x[1]! - 1)).toBeLessThan(1e-9);
    expect(result.evaluations).toBeLessThan(40);
    for (const entry of result.log) expect(entry.damping).toBeGreaterThan(0);
  });

  it('stops with a reason when the tolerance is below what float64 can reach', async () => {
    const result = await levenbergMarquardt(rosenbrockResiduals, Float64Array.of(-1.2, 1), {
      maxIterations: 500,
      tolerance: 0,
    });
    expect(['converged', 'no-progress']).toContain(result.status);
    if (result.status === 'no-progress') expect(result.message).toMatch(/^the step changed the objective by less/);
    // It stops at the optimum, not short of it.
    expect(Math.abs(result.x[0]! - 1)).toBeLessThan(1e-9);
    expect(result.iterations).toBeLessThan(500);
  });

  it('takes the same path, to the bit, on the same objective values', async () => {
    const run = () =>
      levenbergMarquardt(rosenbrockResiduals, Float64Array.of(-1.2, 1), { maxIterations: 200, tolerance: 1e-12 });
    const [one, two] = await Promise.all([run(), run()]);
    expect(two.log).toEqual(one.log);
    expect(Array.from(two.x)).toEqual(Array.from(one.x));
  });
});
