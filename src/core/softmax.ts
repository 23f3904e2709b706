/**
 * The multinomial logistic model over named features, with its loss: for classes c and features j,
 * z_c = w_<c>_<j1>·x_j1 + ... + w_<c>_<jd>·x_jd + b_<c>, p = softmax(z), loss = logsumexp(z) - z_label.
 *
 * Written by hand rather than as a graph: the loss and its gradient p - onehot(label) are one rule over all
 * K logits, which the binary op table cannot state stably. With m = max z and e_c = exp(z_c - m):
 * - loss = log1p(r) when the label's logit is the largest (r = the sum of the other classes' e_c), so a
 *   confident right answer keeps full relative precision; otherwise (m - z_label) + log(Σ e_c), a sum of
 *   two non-negative terms. Neither overflows for any finite z.
 * - dloss/dz_c = p_c for another class, and -r/Σ e_c for the label's (not p_label - 1, which cancels).
 * The logit is summed in the same order as the binary model's (features in order, then the bias).
 */

/** The parameter names, in the order the model takes them: for each class, its weights then its bias. */
export function softmaxParameterNames(classes: readonly string[], features: readonly string[]): string[] {
  return classes.flatMap((c) => [...features.map((f) => `w_${c}_${f}`), `b_${c}`]);
}

export interface SoftmaxColumns {
  /** The probabilities, one column per class. */
  readonly probabilities: Float64Array[];
  readonly loss: Float64Array;
  /** dloss/dz_c, one column per class (times the row's weight). */
  readonly slopes: Float64Array[];
}

/**
 * Rows [0, rows) of feature columns `x` and label column `label` (class indices), with parameters
 * `params` in softmaxParameterNames' order; `weight` multiplies each row's loss and slopes.
 */
export function softmaxRows(
  x: readonly Float64Array[],
  label: Float64Array,
  weight: Float64Array | undefined,
  params: readonly number[],
  classes: number,
  rows: number,
  into: SoftmaxColumns,
): void {
  const d = x.length;
  const z = new Float64Array(classes);
  const e = new Float64Array(classes);
  for (let i = 0; i < rows; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const base = c * (d + 1);
      let s = params[base]! * x[0]![i]!;
      for (let j = 1; j < d; j++) s += params[base + j]! * x[j]![i]!;
      s += params[base + d]!;
      z[c] = s;
      if (s > m) m = s;
    }
    const y = label[i]!;
    let total = 0;
    let others = 0;
    for (let c = 0; c < classes; c++) {
      const ec = Math.exp(z[c]! - m);
      e[c] = ec;
      total += ec;
      if (c !== y) others += ec;
    }
    const zy = z[y]!;
    const w = weight === undefined ? 1 : weight[i]!;
    const loss = zy === m ? Math.log1p(others) : m - zy + Math.log(total);
    into.loss[i] = w * loss;
    for (let c = 0; c < classes; c++) {
      const p = e[c]! / total;
      into.probabilities[c]![i] = p;
      into.slopes[c]![i] = w * (c === y ? -others / total : p);
    }
  }
}
