/**
 * Levenberg–Marquardt for least squares (the method of MINPACK and scipy.optimize.curve_fit): each step
 * solves (G + λ·D) d = -g, G the Gauss–Newton matrix, D its diagonal (Marquardt's scaling, floored so a
 * parameter with no curvature is still damped). A step is taken when the objective falls; λ then shrinks
 * by the agreement ρ of actual and predicted decrease (Nielsen's rule: λ·max(1/3, 1-(2ρ-1)³)), and
 * grows by a doubling factor ν after every refusal.
 *
 * Every trial is evaluated with its curvature, so a taken step costs one evaluation in all.
 * Deterministic: the same evaluations give the same path, to the bit.
 */
import { cholesky, solveCholesky } from './cholesky.js';
import { dot, type OptimizeResult, Trace } from './outcome.js';
import {
  type CurvedEvaluation,
  type CurvedObjective,
  DEFAULT_TRIES,
  isFinitePoint,
  judgeFlat,
  NO_PROGRESS,
  type SecondOrderOptions,
} from './second-order.js';

/** λ's start relative to the largest diagonal entry (Madsen, Nielsen and Tingleff's τ). */
const TAU = 1e-3;

/** d'G d, G p×p row-major. */
function quadratic(g: Float64Array, d: Float64Array): number {
  const p = d.length;
  let s = 0;
  for (let i = 0; i < p; i++) {
    let row = 0;
    for (let j = 0; j < p; j++) row += g[i * p + j]! * d[j]!;
    s += d[i]! * row;
  }
  return s;
}

export async function levenbergMarquardt(
  objective: CurvedObjective,
  x0: Float64Array,
  options: SecondOrderOptions,
): Promise<OptimizeResult> {
  const tries = options.maxTries ?? DEFAULT_TRIES;
  const p = x0.length;
  const trace = await Trace.start(objective, x0, options.onIteration);
  const early = trace.atStart(
    isFinitePoint(trace.current),
    'the objective, its gradient or its curvature is',
    options.tolerance,
  );
  if (early !== undefined) return early;

  const diagonal = (h: Float64Array): Float64Array => {
    const d = Float64Array.from({ length: p }, (_, i) => h[i * p + i]!);
    const floor = 1e-12 * Math.max(1, ...d);
    return d.map((v) => Math.max(v, floor));
  };
  let lambda = TAU * Math.max(...diagonal(trace.current.hessian));
  let nu = 2;
  const minus = (g: Float64Array): Float64Array => g.map((v) => -v);

  for (let k = 1; k <= options.maxIterations; k++) {
    const { x, current } = trace;
    let accepted: { x: Float64Array; at: CurvedEvaluation; damping: number } | undefined;
    for (let t = 0; t < tries && accepted === undefined; t++) {
      const scaling = diagonal(current.hessian);
      const damped = Float64Array.from(current.hessian);
      for (let i = 0; i < p; i++) damped[i * p + i]! += lambda * scaling[i]!;
      const factor = cholesky(damped, p);
      if (factor === undefined) {
        lambda *= nu;
        nu *= 2;
        continue;
      }
      const d = solveCholesky(factor, p, minus(current.gradient));
      const predicted = -(dot(current.gradient, d) + 0.5 * quadratic(current.hessian, d));
      const trial = Float64Array.from(x, (v, i) => v + d[i]!);
      const at = await objective(trial);
      trace.evaluations++;
      const flat = isFinitePoint(at) ? judgeFlat(current, at) : 'not-flat';
      if (flat === 'flat-no-better') return trace.finish('no-progress', NO_PROGRESS, k - 1);
      const rho = (current.value - at.value) / predicted;
      if (flat === 'flat-better' || (isFinitePoint(at) && predicted > 0 && rho > 0)) {
        accepted = { x: trial, at, damping: lambda };
        lambda *= flat === 'flat-better' ? 1 / 3 : Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
      } else {
        lambda *= nu;
        nu *= 2;
      }
    }
    if (accepted === undefined) {
      const reason = `no damping found a step that decreased the objective in ${tries} tries`;
      return trace.finish('line-search-failed', reason, k - 1);
    }
    const taken = { step: 1, damping: accepted.damping };
    const done = trace.moveTo(accepted.x, accepted.at, k, taken, options.tolerance);
    if (done !== undefined) return done;
  }
  return trace.outOfIterations(options.maxIterations, options.tolerance);
}
