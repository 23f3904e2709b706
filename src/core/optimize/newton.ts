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
import {
  convergedMessage,
  dot,
  type IterationLog,
  maxIterationsMessage,
  maxNorm,
  type OptimizeResult,
  type StopStatus,
} from './outcome.js';
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
  let x: Float64Array = Float64Array.from(x0);
  let current: CurvedEvaluation = await objective(x);
  let evaluations = 1;
  const log: IterationLog[] = [];
  const finish = (status: StopStatus, message: string, iterations: number): OptimizeResult => ({
    x,
    value: current.value,
    gradient: current.gradient,
    gradientNorm: maxNorm(current.gradient),
    iterations,
    evaluations,
    status,
    message,
    log,
  });
  if (!isFinitePoint(current))
    return finish('line-search-failed', 'the objective, its gradient or its curvature is not finite at the start', 0);
  if (maxNorm(current.gradient) <= options.tolerance)
    return finish('converged', `the gradient's largest component is at most ${options.tolerance} at the start`, 0);

  for (let k = 1; k <= options.maxIterations; k++) {
    const d = newtonDirection(current.hessian, current.gradient);
    const slope = dot(current.gradient, d);
    if (!(slope < 0)) return finish('no-progress', 'the Newton direction does not descend', k - 1);
    let step = 2;
    let accepted: { x: Float64Array; at: CurvedEvaluation } | undefined;
    for (let t = 0; t < tries && accepted === undefined; t++) {
      step /= 2;
      const trial = Float64Array.from(x, (v, i) => v + step * d[i]!);
      const at = await objective(trial);
      evaluations++;
      if (!isFinitePoint(at)) continue;
      const flat = judgeFlat(current, at);
      if (flat === 'flat-no-better') return finish('no-progress', NO_PROGRESS, k - 1);
      if (flat === 'flat-better' || at.value <= current.value + C1 * step * slope) accepted = { x: trial, at };
    }
    if (accepted === undefined)
      return finish(
        'line-search-failed',
        `no step along the Newton direction decreased the objective in ${tries} tries`,
        k - 1,
      );
    x = accepted.x;
    current = accepted.at;
    const entry = { iteration: k, value: current.value, gradientNorm: maxNorm(current.gradient), step, evaluations };
    log.push(entry);
    options.onIteration?.(entry);
    if (entry.gradientNorm <= options.tolerance)
      return finish('converged', convergedMessage(entry.gradientNorm, options.tolerance), k);
  }
  return finish(
    'max-iterations',
    maxIterationsMessage(options.maxIterations, maxNorm(current.gradient), options.tolerance),
    options.maxIterations,
  );
}
