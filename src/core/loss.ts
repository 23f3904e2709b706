/**
 * A model's per-row loss against a label, optionally weighted, as a graph: its root is the loss, and the
 * model's value is kept beside it (the tape returns both).
 *
 * - bce: binary cross-entropy with logits, bce(z, y) = softplus(z) - y*z, on the model's logit z (the op
 *   table's stable form, see ops.ts). The model's value is sigmoid(z).
 * - squared: (f - y)^2 for any model f, through the constant-exponent power (exact for squares).
 *
 * Each also says its curvature for second-order fits: the loss is l(u) of one inner node u (the logit for
 * bce, f for squared), so a row's contribution to the Hessian is l''(u)·J·Jᵀ + l'(u)·d²u/dθ², J = du/dθ.
 * The first term alone is the exact Hessian when u is linear in the parameters (logistic regression: every
 * GLM with its canonical link) and the Gauss–Newton matrix otherwise; it is never indefinite.
 */
import { Constant, Mul, Neg, type Node, OpNode, Pow, Sigmoid, Sub, type Variable } from './graph.js';

export const LOSSES = ['bce', 'squared'] as const;
export type LossKind = (typeof LOSSES)[number];

export interface LossGraph {
  /** The row's loss, times its weight when there is one. */
  readonly loss: Node;
  /** What the model predicts: sigmoid(z) for bce, f itself for squared. */
  readonly prediction: Node;
  /** The node u the loss is a function of, and l''(u) times the row's weight. */
  readonly curvature: { readonly at: Node; readonly scale: Node };
}

/**
 * `model` is the model's output; for bce, `logit` is its logit (for a formula with bce, the formula is
 * the logit and both are the same node).
 */
export function withLoss(kind: LossKind, model: Node, logit: Node, label: Variable, weight?: Variable): LossGraph {
  const weighted = (node: Node): Node => (weight === undefined ? node : new Mul(weight, node));
  const unweighted = kind === 'bce' ? new OpNode('bce', [logit, label]) : new Pow(new Sub(model, label), 2);
  // bce'' = sigmoid(z)·(1 - sigmoid(z)), taken as sigmoid(z)·sigmoid(-z) so it keeps its relative accuracy
  // where it is tiny; squared'' = 2.
  const second = kind === 'bce' ? new Mul(new Sigmoid(logit), new Sigmoid(new Neg(logit))) : new Constant(2);
  return {
    loss: weighted(unweighted),
    prediction: kind === 'bce' ? new OpNode('sigmoid', [logit]) : model,
    curvature: { at: kind === 'bce' ? logit : model, scale: weighted(second) },
  };
}
