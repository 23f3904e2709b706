/**
 * What Newton's method and Levenberg–Marquardt share: an objective that also gives its curvature, and the
 * rule for a step whose change in value is below float64's rounding of the value.
 */
import { type IterationLog, maxNorm } from './outcome.js';

export interface CurvedEvaluation {
  readonly value: number;
  readonly gradient: Float64Array;
  /** The curvature, p×p row-major: the exact Hessian, or the Gauss–Newton matrix for a least-squares fit. */
  readonly hessian: Float64Array;
}

export type CurvedObjective = (x: Float64Array) => Promise<CurvedEvaluation>;

export interface SecondOrderOptions {
  readonly maxIterations: number;
  /** Converged when the gradient's largest component is at most this. */
  readonly tolerance: number;
  /** Evaluations one iteration may make looking for a step it accepts. */
  readonly maxTries?: number;
  readonly onIteration?: (entry: IterationLog) => void;
}

export const DEFAULT_TRIES = 30;

/**
 * Near the optimum the objective's change is lost in rounding before its gradient's is: there a step is
 * judged by the gradient. A step is `flat` when the values differ by at most a few units in the last place.
 */
export function judgeFlat(from: CurvedEvaluation, to: CurvedEvaluation): 'not-flat' | 'flat-better' | 'flat-no-better' {
  if (!(Math.abs(to.value - from.value) <= 4 * Number.EPSILON * Math.abs(from.value))) return 'not-flat';
  return maxNorm(to.gradient) < maxNorm(from.gradient) ? 'flat-better' : 'flat-no-better';
}

export const isFinitePoint = (e: CurvedEvaluation): boolean =>
  Number.isFinite(e.value) && e.gradient.every(Number.isFinite) && e.hessian.every(Number.isFinite);

export const NO_PROGRESS =
  'the step changed the objective by less than float64 rounds it to, and not its gradient: the gradient cannot be made smaller';
