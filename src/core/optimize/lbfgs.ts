/**
 * L-BFGS (Nocedal and Wright, Algorithm 7.5, with the two-loop recursion 7.4) over an objective that may
 * take a while to evaluate (a pass over a dataset). Every step is found by a strong-Wolfe line search, so
 * each curvature pair has s'y > 0 and the inverse Hessian estimate stays positive definite.
 *
 * Whatever stops it, the result is one record (x, value, gradient, iterations, evaluations, status, and a
 * message saying why), with the log of every iteration. Nothing in it depends on anything but the
 * objective's values: with an objective that gives the same bits, the whole path is the same bits.
 */
import { type LinePoint, strongWolfe } from './line-search.js';
import { dot, type IterationLog, type OptimizeResult, Trace } from './outcome.js';

interface Evaluation {
  readonly value: number;
  readonly gradient: Float64Array;
}

export type Objective = (x: Float64Array) => Promise<Evaluation>;

export interface LbfgsOptions {
  /** Iterations at most. */
  readonly maxIterations: number;
  /** Converged when the gradient's largest component is at most this. */
  readonly tolerance: number;
  /** Curvature pairs kept. */
  readonly history: number;
  /** Wolfe constants: sufficient decrease and curvature. */
  readonly c1?: number;
  readonly c2?: number;
  /** Objective evaluations each line search may make. */
  readonly maxLineSearch?: number;
  /** Called after every iteration (a progress line). */
  readonly onIteration?: (entry: IterationLog) => void;
}

/** -H g by the two-loop recursion over the stored pairs (oldest first), H0 = (s'y / y'y) I. */
function direction(g: Float64Array, s: Float64Array[], y: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(g);
  const alpha = new Array<number>(s.length);
  for (let i = s.length - 1; i >= 0; i--) {
    alpha[i] = rho[i]! * dot(s[i]!, q);
    for (let j = 0; j < q.length; j++) q[j]! -= alpha[i]! * y[i]![j]!;
  }
  const last = s.length - 1;
  const gamma = last >= 0 ? dot(s[last]!, y[last]!) / dot(y[last]!, y[last]!) : 1;
  for (let j = 0; j < q.length; j++) q[j]! *= gamma;
  for (let i = 0; i < s.length; i++) {
    const beta = rho[i]! * dot(y[i]!, q);
    for (let j = 0; j < q.length; j++) q[j]! += s[i]![j]! * (alpha[i]! - beta);
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j]!;
  return q;
}

export async function lbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): Promise<OptimizeResult> {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const maxLineSearch = options.maxLineSearch ?? 25;
  const trace = await Trace.start(objective, x0, options.onIteration);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const { value, gradient } = trace.current;
  const early = trace.atStart(
    Number.isFinite(value) && gradient.every(Number.isFinite),
    'the objective or its gradient is',
    options.tolerance,
  );
  if (early !== undefined) return early;

  for (let k = 1; k <= options.maxIterations; k++) {
    const { x: base, current } = trace;
    let d = direction(current.gradient, s, y, rho);
    let slope = dot(current.gradient, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in the stored pairs): start again from steepest descent.
      s.length = y.length = rho.length = 0;
      d = direction(current.gradient, s, y, rho);
      slope = dot(current.gradient, d);
    }
    // The first step has no curvature to scale it: a step of length 1 in x.
    const firstStep = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    const start: LinePoint<Evaluation> = { step: 0, value: current.value, slope, at: current };
    const phi = async (step: number): Promise<LinePoint<Evaluation>> => {
      const at = Float64Array.from(base, (v, i) => v + step * d[i]!);
      const e = await objective(at);
      return { step, value: e.value, slope: dot(e.gradient, d), at: e };
    };
    const search = await strongWolfe(phi, start, firstStep, { c1, c2, maxEvaluations: maxLineSearch });
    trace.evaluations += search.evaluations;
    if (!search.ok) return trace.finish('line-search-failed', search.reason, k - 1);
    const { step, at } = search.point;
    const next = Float64Array.from(base, (v, i) => v + step * d[i]!);
    const sk = Float64Array.from(next, (v, i) => v - base[i]!);
    const yk = Float64Array.from(at.gradient, (v, i) => v - current.gradient[i]!);
    const sy = dot(sk, yk);
    if (sy > 0) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > options.history) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    const done = trace.moveTo(next, at, k, { step }, options.tolerance);
    if (done !== undefined) return done;
    if (sk.every((v) => v === 0) || (at.value === current.value && sy <= 0)) {
      const reason = 'the step changed nothing that float64 can hold; the gradient cannot be made smaller';
      return trace.finish('no-progress', reason, k);
    }
  }
  return trace.outOfIterations(options.maxIterations, options.tolerance);
}
