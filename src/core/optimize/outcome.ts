/** What every optimiser of a fit returns and logs, whichever method it is. */

export interface IterationLog {
  readonly iteration: number;
  readonly value: number;
  /** The gradient's largest component, in absolute value. */
  readonly gradientNorm: number;
  /** The step length taken along the search direction (1 for a Levenberg–Marquardt step). */
  readonly step: number;
  /** Levenberg–Marquardt's damping for the step taken. */
  readonly damping?: number;
  /** Objective evaluations (passes over the data) so far. */
  readonly evaluations: number;
}

export type StopStatus = 'converged' | 'max-iterations' | 'line-search-failed' | 'no-progress';

export interface OptimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly gradientNorm: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly status: StopStatus;
  readonly message: string;
  readonly log: readonly IterationLog[];
}

export const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export const maxNorm = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

export const convergedMessage = (norm: number, tolerance: number): string =>
  `the gradient's largest component, ${norm}, is at most ${tolerance}`;

export const maxIterationsMessage = (iterations: number, norm: number, tolerance: number): string =>
  `stopped after ${iterations} iterations, the gradient's largest component ${norm} above ${tolerance}`;
