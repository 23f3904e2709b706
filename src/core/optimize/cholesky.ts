/**
 * Solving H d = r for a symmetric positive definite H (a fit's curvature, p×p, row-major) by its Cholesky
 * factor, in a fixed order of operations so that equal inputs give equal bits.
 */

/** The lower factor L with H = L·Lᵀ, or undefined when H is not (numerically) positive definite. */
export function cholesky(h: Float64Array, p: number): Float64Array | undefined {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = h[j * p + j]!;
    for (let k = 0; k < j; k++) d -= l[j * p + k]! * l[j * p + k]!;
    // A pivot lost to rounding (relative to the diagonal it came from) means H is singular for float64.
    if (!(d > 1e-14 * Math.abs(h[j * p + j]!)) || !(d > 0)) return undefined;
    const root = Math.sqrt(d);
    l[j * p + j] = root;
    for (let i = j + 1; i < p; i++) {
      let s = h[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      l[i * p + j] = s / root;
    }
  }
  return l;
}

/** d with L·Lᵀ·d = r. */
export function solveCholesky(l: Float64Array, p: number, r: Float64Array): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = r[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * y[k]!;
    y[i] = s / l[i * p + i]!;
  }
  const d = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * d[k]!;
    d[i] = s / l[i * p + i]!;
  }
  return d;
}
