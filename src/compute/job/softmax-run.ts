/**
 * The softmax model over a batch: core/softmax.ts's rows, then the gradients as the tape would give them
 * (one column per tape input), and the curvature a second-order fit sums. Buffers are reused run to run.
 */
import { softmaxRows } from '../../core/softmax.js';
import type { TapeSpec } from './job.js';

interface SoftmaxSpec {
  readonly features: number;
  readonly classes: number;
  /** Where the label and (if any) the weight are among the row inputs. */
  readonly label: number;
  readonly weight: number | undefined;
}

/** The model's layout in a tape spec: its row inputs are the features, the label, then the weight. */
function softmaxSpecOf(spec: TapeSpec): SoftmaxSpec {
  if (spec.model.kind !== 'softmax') throw new Error('not a softmax model');
  const features = spec.model.names.length;
  return {
    features,
    classes: spec.model.classes.length,
    label: features,
    weight: spec.loss?.weight === undefined ? undefined : features + 1,
  };
}

let capacity = 0;
let probabilities: Float64Array[] = [];
let slopes: Float64Array[] = [];
let loss = new Float64Array(0);
let gradients: Float64Array[] = [];

function ensure(rows: number, classes: number, inputs: number): void {
  if (rows <= capacity && probabilities.length === classes && gradients.length === inputs) return;
  capacity = Math.max(rows, capacity);
  probabilities = Array.from({ length: classes }, () => new Float64Array(capacity));
  slopes = Array.from({ length: classes }, () => new Float64Array(capacity));
  loss = new Float64Array(capacity);
  gradients = Array.from({ length: inputs }, () => new Float64Array(capacity));
}

export interface SoftmaxRun {
  readonly probabilities: Float64Array[];
  readonly loss: Float64Array;
  /** One column per tape input: the features', 0 for the label and weight, then the parameters'. */
  readonly gradients: Float64Array[];
}

export function runSoftmax(spec: TapeSpec, columns: readonly Float64Array[], rows: number): SoftmaxRun {
  const layout = softmaxSpecOf(spec);
  const { features: d, classes: k } = layout;
  ensure(rows, k, spec.inputs.length);
  const x = columns.slice(0, d);
  const weight = layout.weight === undefined ? undefined : columns[layout.weight]!;
  softmaxRows(x, columns[layout.label]!, weight, spec.params, k, rows, { probabilities, loss, slopes });
  const wanted = new Set(spec.differentiate ?? spec.inputs.map((_, i) => i));
  const first = spec.inputs.length - spec.params.length;
  for (const [input, column] of gradients.entries()) {
    if (!wanted.has(input)) continue;
    if (input < d) {
      // dloss/dx_j = Σ_c slope_c · w_<c>_<j>, summed over the classes in order.
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += slopes[c]![i]! * spec.params[c * (d + 1) + input]!;
        column[i] = s;
      }
    } else if (input < first) column.fill(0, 0, rows);
    else {
      const a = input - first;
      const c = Math.floor(a / (d + 1));
      const j = a % (d + 1);
      const slope = slopes[c]!;
      if (j === d) column.set(slope.subarray(0, rows));
      else for (let i = 0; i < rows; i++) column[i] = slope[i]! * x[j]![i]!;
    }
  }
  return {
    probabilities: probabilities.map((p) => p.subarray(0, rows)),
    loss: loss.subarray(0, rows),
    gradients: gradients.map((g) => g.subarray(0, rows)),
  };
}

/**
 * The softmax loss's curvature for its parameters: the Hessian Σ_rows x̃·x̃ᵀ ⊗ (diag p - p·pᵀ) times the
 * row's weight, x̃ = (x, 1), as exactProductSums takes it: a column per parameter (x̃_j of its feature),
 * and for a pair of parameters of classes c and c', the column w·p_c·(δ_cc' - p_c').
 */
export function softmaxCurvature(
  spec: TapeSpec,
  columns: readonly Float64Array[],
  rows: number,
): { readonly jacobian: Float64Array[]; readonly scaleOf: (a: number, b: number) => Float64Array } {
  const layout = softmaxSpecOf(spec);
  const { features: d, classes: k } = layout;
  // Its own columns: the run's buffers may still be read by the caller.
  const p = Array.from({ length: k }, () => new Float64Array(rows));
  const scratch = { probabilities: p, loss: new Float64Array(rows), slopes: p.map(() => new Float64Array(rows)) };
  softmaxRows(columns.slice(0, d), columns[layout.label]!, undefined, spec.params, k, rows, scratch);
  const weight = layout.weight === undefined ? undefined : columns[layout.weight]!;
  const blocks: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    for (let c2 = c; c2 < k; c2++) {
      const block = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const pc = p[c]![i]!;
        const v = c === c2 ? pc * (1 - pc) : -pc * p[c2]![i]!;
        block[i] = weight === undefined ? v : weight[i]! * v;
      }
      blocks.push(block);
    }
  }
  const blockOf = (c: number, c2: number): Float64Array => {
    const [lo, hi] = c <= c2 ? [c, c2] : [c2, c];
    return blocks[lo * k - (lo * (lo - 1)) / 2 + (hi - lo)]!;
  };
  const x = [...columns.slice(0, d), new Float64Array(rows).fill(1)];
  const jacobian = Array.from({ length: k * (d + 1) }, (_, a) => x[a % (d + 1)]!);
  return { jacobian, scaleOf: (a, b) => blockOf(Math.floor(a / (d + 1)), Math.floor(b / (d + 1))) };
}
