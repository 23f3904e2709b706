/**
 * Newton's method with a backtracking (Armijo) line search, for objectives whose curvature is positive
 * semi-definite (the logistic and other canonical-link losses, plus an l2 penalty). The direction solves
 * (H + μI) d = -g by Cholesky, with μ = 0 unless H is singular for float64, then the smallest of
 * 1e-8·s, 1e-7·s, ... (s the largest diagonal entry) that makes it positive definite.
 *
 * Every trial point is evaluated with its curvature, so an accepted step (nearly always the first, of
 * length 1, near the optimum) costs one evaluation in all. Deterministic: the same evaluations give the
 * same path, to the bit.
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

/** Sufficient decrease: f(x + t d) <= f(x) + C1·t·g'd. */
const C1 = 1e-4;

/** -(H + μI)⁻¹ g for the smallest μ of the schedule that factors, or -g if none does. */
function newtonDirection(hessian: Float64Array, gradient: Float64Array): Float64Array {
  const p = gradient.length;
  const minus = gradient.map((v) => -v);
  let largest = 0;
  for (let i = 0; i < p; i++) largest = Math.max(largest, Math.abs(hessian[i * p + i]!));
  const scale = largest > 0 ? largest : 1;
  for (let shift = 0; shift <= 1e8 * scale; shift = shift === 0 ? 1e-8 * scale : shift * 10) {
    const shifted = Float64Array.from(hessian);
    for (let i = 0; i < p; i++) shifted[i * p + i]! += shift;
    const factor = cholesky(shifted, p);
    if (factor !== undefined) return solveCholesky(factor, p, minus);
  }
  return minus;
}

export async function newton(
  objective: CurvedObjective,
  x0: Float64Array,
  options: SecondOrderOptions,
): Promise<OptimizeResult> {
  const tries = options.maxTries ?? DEFAULT_TRIES;
  const trace = await Trace.start(objective, x0, options.onIteration);
  const early = trace.atStart(
    isFinitePoint(trace.current),
    'the objective, its gradient or its curvature is',
    options.tolerance,
  );
  if (early !== undefined) return early;

  for (let k = 1; k <= options.maxIterations; k++) {
    const { x, current } = trace;
    const d = newtonDirection(current.hessian, current.gradient);
    const slope = dot(current.gradient, d);
    if (!(slope < 0)) return trace.finish('no-progress', 'the Newton direction does not descend', k - 1);
    let step = 2;
    let accepted: { x: Float64Array; at: CurvedEvaluation } | undefined;
    for (let t = 0; t < tries && accepted === undefined; t++) {
      step /= 2;
      const trial = Float64Array.from(x, (v, i) => v + step * d[i]!);
      const at = await objective(trial);
      trace.evaluations++;
      if (!isFinitePoint(at)) continue;
      const flat = judgeFlat(current, at);
      if (flat === 'flat-no-better') return trace.finish('no-progress', NO_PROGRESS, k - 1);
      if (flat === 'flat-better' || at.value <= current.value + C1 * step * slope) accepted = { x: trial, at };
    }
    if (accepted === undefined) {
      const reason = `no step along the Newton direction decreased the objective in ${tries} tries`;
      return trace.finish('line-search-failed', reason, k - 1);
    }
    const done = trace.moveTo(accepted.x, accepted.at, k, { step }, options.tolerance);
    if (done !== undefined) return done;
  }
  return trace.outOfIterations(options.maxIterations, options.tolerance);
}
