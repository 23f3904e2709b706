/**
 * A line search for the strong Wolfe conditions (Nocedal and Wright, Numerical Optimization, 2nd ed.,
 * Algorithms 3.5 and 3.6): along a descent direction d from x, a step a with
 *   sufficient decrease   phi(a) <= phi(0) + c1 a phi'(0)
 *   curvature             |phi'(a)| <= c2 |phi'(0)|
 * where phi(a) = f(x + a d). The bracket is shrunk by cubic interpolation, safeguarded to stay well inside
 * it. Deterministic: the same function values give the same steps, so a fit's path is the same bits
 * whenever its objective is.
 */

/** phi and phi' at a step, and what the objective gave there (kept, so the caller need not evaluate again). */
export interface LinePoint<T> {
  readonly step: number;
  readonly value: number;
  readonly slope: number;
  readonly at: T;
}

export interface LineSearchOptions {
  readonly c1: number;
  readonly c2: number;
  /** Objective evaluations the search may make. */
  readonly maxEvaluations: number;
}

export type LineSearchResult<T> =
  | { readonly ok: true; readonly point: LinePoint<T>; readonly evaluations: number }
  | { readonly ok: false; readonly evaluations: number; readonly reason: string };

/** The minimiser of the cubic through (a, fa, da) and (b, fb, db), kept within [lo + 0.1w, hi - 0.1w]. */
function cubicStep(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const width = hi - lo;
  const d1 = da + db - 3 * ((fa - fb) / (a - b));
  const square = d1 * d1 - da * db;
  let step = Number.NaN;
  if (square >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(square);
    step = b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
  }
  if (!Number.isFinite(step) || step < lo + 0.1 * width || step > hi - 0.1 * width) step = lo + 0.5 * width;
  return step;
}

export async function strongWolfe<T>(
  phi: (step: number) => Promise<LinePoint<T>>,
  start: LinePoint<T>,
  firstStep: number,
  options: LineSearchOptions,
): Promise<LineSearchResult<T>> {
  const { c1, c2, maxEvaluations } = options;
  const decreases = (p: LinePoint<T>): boolean => p.value <= start.value + c1 * p.step * start.slope;
  const flat = (p: LinePoint<T>): boolean => Math.abs(p.slope) <= -c2 * start.slope;
  let evaluations = 0;

  const zoom = async (low: LinePoint<T>, high: LinePoint<T>): Promise<LineSearchResult<T>> => {
    let lo = low;
    let hi = high;
    while (evaluations < maxEvaluations) {
      const step = cubicStep(lo.step, lo.value, lo.slope, hi.step, hi.value, hi.slope);
      if (step === lo.step || step === hi.step) break;
      const p = await phi(step);
      evaluations++;
      if (!Number.isFinite(p.value) || !decreases(p) || p.value >= lo.value) {
        hi = p;
      } else {
        if (flat(p)) return { ok: true, point: p, evaluations };
        if (p.slope * (hi.step - lo.step) >= 0) hi = lo;
        lo = p;
      }
    }
    return {
      ok: false,
      evaluations,
      reason: `no step met the strong Wolfe conditions in ${evaluations} evaluations (the bracket [${Math.min(lo.step, hi.step)}, ${Math.max(lo.step, hi.step)}] is as small as float64 allows)`,
    };
  };

  let previous = start;
  let step = firstStep;
  while (evaluations < maxEvaluations) {
    const p = await phi(step);
    evaluations++;
    if (!Number.isFinite(p.value) || !decreases(p) || (evaluations > 1 && p.value >= previous.value))
      return zoom(previous, p);
    if (flat(p)) return { ok: true, point: p, evaluations };
    if (p.slope >= 0) return zoom(p, previous);
    previous = p;
    step *= 2;
  }
  return { ok: false, evaluations, reason: `no step met the strong Wolfe conditions in ${evaluations} evaluations` };
}
