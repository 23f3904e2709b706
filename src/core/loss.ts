/**
 * A model's per-row loss against a label, optionally weighted, as a graph: its root is the loss, and the
 * model's value is kept beside it (the tape returns both).
 *
 * - bce: binary cross-entropy with logits, bce(z, y) = softplus(z) - y*z, on the model's logit z (the op
 *   table's stable form, see ops.ts). The model's value is sigmoid(z).
 * - squared: (f - y)^2 for any model f, through the constant-exponent power (exact for squares).
 */
import { Mul, type Node, OpNode, Pow, Sub, type Variable } from './graph.js';

export const LOSSES = ['bce', 'squared'] as const;
export type LossKind = (typeof LOSSES)[number];

export interface LossGraph {
  /** The row's loss, times its weight when there is one. */
  readonly loss: Node;
  /** What the model predicts: sigmoid(z) for bce, f itself for squared. */
  readonly prediction: Node;
}

/**
 * `model` is the model's output; for bce, `logit` is its logit (for a formula with bce, the formula is
 * the logit and both are the same node).
 */
export function withLoss(kind: LossKind, model: Node, logit: Node, label: Variable, weight?: Variable): LossGraph {
  const unweighted = kind === 'bce' ? new OpNode('bce', [logit, label]) : new Pow(new Sub(model, label), 2);
  return {
    loss: weight === undefined ? unweighted : new Mul(weight, unweighted),
    prediction: kind === 'bce' ? new OpNode('sigmoid', [logit]) : model,
  };
}
