/**
 * The curvature of bce and poisson on the linear model over features (--features), without a tape: the
 * Jacobian of z = w·x + b is x̃ = (x, 1) itself, so only z and l''(z) are computed, z in the model graph's
 * order (((w1·x1 + w2·x2) + ...) + b) with the op table's rules, so every value is the tape's to the bit.
 */
import { OPS } from '../../core/ops.js';
import type { TapeSpec } from './job.js';

const { sigmoid, exp } = OPS;

/** Whether the loss's curvature on this model is computed here (else by the curvature tape). */
export const hasLinearCurvature = (spec: TapeSpec): boolean =>
  spec.model.kind === 'features' && (spec.loss?.kind === 'bce' || spec.loss?.kind === 'poisson');

/** The scale and ones columns, reused task after task (a task's result is summed before the next one). */
let scale = new Float64Array(0);
let ones = new Float64Array(0);

export function linearCurvature(
  spec: TapeSpec,
  columns: readonly Float64Array[],
  rows: number,
): { readonly jacobian: Float64Array[]; readonly scaleOf: () => Float64Array } {
  if (spec.model.kind !== 'features') throw new Error('not the linear model');
  const d = spec.model.names.length;
  const x = columns.slice(0, d);
  const w = spec.params;
  // The row inputs are the features, the label, then the weight if any.
  const weight = spec.loss?.weight === undefined ? undefined : columns[d + 1]!;
  const poisson = spec.loss?.kind === 'poisson';
  if (scale.length < rows) {
    scale = new Float64Array(rows);
    ones = new Float64Array(rows).fill(1);
  }
  for (let i = 0; i < rows; i++) {
    let z = w[0]! * x[0]![i]!;
    for (let j = 1; j < d; j++) z += w[j]! * x[j]![i]!;
    z += w[d]!;
    const second = poisson ? exp.value(z) : sigmoid.value(z) * sigmoid.value(-z);
    scale[i] = weight === undefined ? second : weight[i]! * second;
  }
  const scaleColumn = scale.subarray(0, rows);
  return { jacobian: [...x, ones.subarray(0, rows)], scaleOf: () => scaleColumn };
}
