/**
 * A task's exact sums: every summed output column, then, on a second-order fit's passes, the curvature
 * sums Σ scale·J_a·J_b over the rows for each pair of parameters a ≤ b (curvatureColumnNames' order).
 * Each row's product is rounded once, in one order, and the rows' products are summed exactly, so the
 * curvature is the same bits for any threads, batch sizes and shards, like the gradient.
 */
import { exactColumnSums, exactProductSums } from '../exact-product-sums.js';
import type { ExactSumState } from '../exact-sum.js';
import type { TapeSpec } from './job.js';
import { runCurvature } from './model-tape.js';

export function taskSums(
  tape: TapeSpec,
  outputs: readonly Float64Array[],
  inputs: readonly Float64Array[],
  rows: number,
): ExactSumState[] {
  // The curvature first: its inputs may be views of the numbers module's memory, which the sums reuse.
  let curvature: ExactSumState[] = [];
  if (tape.curvature === true) {
    const { scaleOf, jacobian } = runCurvature(tape, inputs, rows);
    curvature = exactProductSums(scaleOf, jacobian, rows);
  }
  return [...exactColumnSums(outputs, rows), ...curvature];
}
