/**
 * A model's per-row loss against a label, optionally weighted, as a graph: its root is the loss, and the
 * model's value is kept beside it (the tape returns both).
 *
 * - bce: binary cross-entropy with logits, bce(z, y) = softplus(z) - y*z, on the model's logit z (the op
 *   table's stable form, see ops.ts). The model's value is sigmoid(z).
 * - squared: (f - y)^2 for any model f, through the constant-exponent power (exact for squares).
 * - poisson: exp(z) - y*z on the log of the mean z (the op table's form), for counts; the model's value
 *   is the mean exp(z).
 * - softmax: the multinomial model's loss over all its classes, by hand in softmax.ts (not a graph).
 *
 * Each also says its curvature for second-order fits: the loss is l(u) of one inner node u (the logit for
 * bce and poisson, f for squared), so a row's contribution to the Hessian is l''(u)·J·Jᵀ + l'(u)·d²u/dθ², J = du/dθ.
 * The first term alone is the exact Hessian when u is linear in the parameters (logistic regression: every
 * GLM with its canonical link) and the Gauss–Newton matrix otherwise; it is never indefinite.
 */
import { Constant, Exp, Mul, Neg, type Node, OpNode, Pow, Sigmoid, Sub, type Variable } from './graph.js';

export const LOSSES = ['bce', 'squared', 'poisson', 'softmax'] as const;
export type LossKind = (typeof LOSSES)[number];

/**
 * The labels each loss takes: bce two classes (0 or 1), poisson counts or rates (>= 0), softmax one of its
 * classes (as written), squared any number.
 */
export type LabelDomain = 'binary' | 'non-negative' | 'class' | 'any';
export const LABEL_DOMAINS: Readonly<Record<LossKind, LabelDomain>> = {
  bce: 'binary',
  squared: 'any',
  poisson: 'non-negative',
  softmax: 'class',
};

export interface LossGraph {
  /** The row's loss, times its weight when there is one. */
  readonly loss: Node;
  /** What the model predicts: sigmoid(z) for bce, exp(z) for poisson, f itself for squared. */
  readonly prediction: Node;
  /** The node u the loss is a function of, and l''(u) times the row's weight. */
  readonly curvature: { readonly at: Node; readonly scale: Node };
}

/**
 * `model` is the model's output; for bce and poisson, `logit` is its linear predictor (the logit, or the
 * log of the mean; for a formula with either, the formula is that predictor and both are the same node).
 */
export function withLoss(kind: LossKind, model: Node, logit: Node, label: Variable, weight?: Variable): LossGraph {
  const weighted = (node: Node): Node => (weight === undefined ? node : new Mul(weight, node));
  // bce'' = sigmoid(z)·(1 - sigmoid(z)), taken as sigmoid(z)·sigmoid(-z) so it keeps its relative accuracy
  // where it is tiny; poisson'' = exp(z); squared'' = 2.
  switch (kind) {
    case 'bce':
      return {
        loss: weighted(new OpNode('bce', [logit, label])),
        prediction: new Sigmoid(logit),
        curvature: { at: logit, scale: weighted(new Mul(new Sigmoid(logit), new Sigmoid(new Neg(logit)))) },
      };
    case 'poisson': {
      const mean = new Exp(logit);
      return {
        loss: weighted(new OpNode('poisson', [logit, label])),
        prediction: mean,
        curvature: { at: logit, scale: weighted(mean) },
      };
    }
    case 'squared':
      return {
        loss: weighted(new Pow(new Sub(model, label), 2)),
        prediction: model,
        curvature: { at: model, scale: weighted(new Constant(2)) },
      };
    case 'softmax':
      throw new Error('softmax is one rule over all classes, not a graph: see softmax.ts');
  }
}
