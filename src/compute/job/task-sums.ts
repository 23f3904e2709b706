/**
 * A task's exact sums: every summed output column, then, on a second-order fit's passes, the curvature
 * sums Σ scale·J_a·J_b over the rows for each pair of parameters a ≤ b (curvatureColumnNames' order).
 * Each row's product is rounded once, in one order, and the rows' products are summed exactly, so the
 * curvature is the same bits for any threads, batch sizes and shards, like the gradient.
 */
import { type ExactSumState, exactSumOf } from '../exact-sum.js';
import type { TapeSpec } from './job.js';
import { runCurvature } from './model-tape.js';

/** One column of per-row products, reused by every pair. */
let products = new Float64Array(0);

export function taskSums(
  tape: TapeSpec,
  outputs: readonly Float64Array[],
  inputs: readonly Float64Array[],
  rows: number,
): ExactSumState[] {
  const sums = outputs.map((column) => exactSumOf(column, rows));
  if (tape.curvature !== true) return sums;
  const { scale, jacobian } = runCurvature(tape, inputs, rows);
  if (products.length < rows) products = new Float64Array(rows);
  for (let a = 0; a < jacobian.length; a++) {
    const ja = jacobian[a]!;
    for (let b = a; b < jacobian.length; b++) {
      const jb = jacobian[b]!;
      for (let i = 0; i < rows; i++) products[i] = scale[i]! * ja[i]! * jb[i]!;
      sums.push(exactSumOf(products, rows));
    }
  }
  return sums;
}
