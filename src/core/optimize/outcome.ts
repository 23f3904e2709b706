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

const convergedMessage = (norm: number, tolerance: number): string =>
  `the gradient's largest component, ${norm}, is at most ${tolerance}`;

const maxIterationsMessage = (iterations: number, norm: number, tolerance: number): string =>
  `stopped after ${iterations} iterations, the gradient's largest component ${norm} above ${tolerance}`;

interface Evaluated {
  readonly value: number;
  readonly gradient: Float64Array;
}

/**
 * What every method keeps as it goes (the point, its evaluation, the passes made, the log) and the one
 * record it returns, whatever stopped it.
 */
export class Trace<E extends Evaluated> {
  readonly log: IterationLog[] = [];
  evaluations = 1;

  private constructor(
    public x: Float64Array,
    public current: E,
    private readonly onIteration: ((entry: IterationLog) => void) | undefined,
  ) {}

  /** The objective at the start, as the first evaluation. */
  static async start<E extends Evaluated>(
    objective: (x: Float64Array) => Promise<E>,
    x0: Float64Array,
    onIteration: ((entry: IterationLog) => void) | undefined,
  ): Promise<Trace<E>> {
    const x = Float64Array.from(x0);
    return new Trace(x, await objective(x), onIteration);
  }

  /** The record to return before any step (not finite at the start, or converged there), or undefined. */
  atStart(finite: boolean, what: string, tolerance: number): OptimizeResult | undefined {
    if (!finite) return this.finish('line-search-failed', `${what} not finite at the start`, 0);
    if (maxNorm(this.current.gradient) <= tolerance)
      return this.finish('converged', `the gradient's largest component is at most ${tolerance} at the start`, 0);
    return undefined;
  }

  /** Moves to x with its evaluation and logs iteration k; the record to return if that converged. */
  moveTo(
    x: Float64Array,
    at: E,
    k: number,
    taken: { readonly step: number; readonly damping?: number },
    tolerance: number,
  ): OptimizeResult | undefined {
    this.x = x;
    this.current = at;
    const entry = {
      iteration: k,
      value: at.value,
      gradientNorm: maxNorm(at.gradient),
      ...taken,
      evaluations: this.evaluations,
    };
    this.log.push(entry);
    this.onIteration?.(entry);
    return entry.gradientNorm <= tolerance
      ? this.finish('converged', convergedMessage(entry.gradientNorm, tolerance), k)
      : undefined;
  }

  finish(status: StopStatus, message: string, iterations: number): OptimizeResult {
    return {
      x: this.x,
      value: this.current.value,
      gradient: this.current.gradient,
      gradientNorm: maxNorm(this.current.gradient),
      iterations,
      evaluations: this.evaluations,
      status,
      message,
      log: this.log,
    };
  }

  /** The record when the iterations ran out. */
  outOfIterations(maxIterations: number, tolerance: number): OptimizeResult {
    return this.finish(
      'max-iterations',
      maxIterationsMessage(maxIterations, maxNorm(this.current.gradient), tolerance),
      maxIterations,
    );
  }
}
