/**
 * The notebook's model for n features: f = 1/(1+exp(-(w1*x1 + ... + wn*xn + b))), built from the
 * notebook's own node types so a reader sees the same structure, then made stable by withStableForms
 * (the 1/(1+exp(-z)) part is evaluated as the fused sigmoid).
 */
import { Add, Constant, Exp, Inv, Mul, type Node, Sigmoid, Variable } from './graph.js';
import { withStableForms } from './stable-forms.js';

export interface LogisticModel {
  readonly features: number;
  /** The output node f. */
  readonly output: Node;
  /** Inputs in the order w1..wn, x1..xn, b. */
  readonly inputs: readonly Variable[];
}

/** The input names of the n-feature model, in the model's order: w1..wn, x1..xn, b. */
export function logisticInputNames(features: number): string[] {
  const range = Array.from({ length: features }, (_, i) => i + 1);
  return [...range.map((i) => `w${i}`), ...range.map((i) => `x${i}`), 'b'];
}

export function logisticModel(features: number): LogisticModel {
  if (!Number.isInteger(features) || features < 1)
    throw new RangeError(`features must be an integer >= 1, got ${features}`);
  const inputs = logisticInputNames(features).map((name) => new Variable(Number.NaN, name));
  const w = inputs.slice(0, features);
  const x = inputs.slice(features, 2 * features);
  const b = inputs[2 * features]!;

  let logit: Node = new Mul(w[0]!, x[0]!);
  for (let i = 1; i < features; i++) logit = new Add(logit, new Mul(w[i]!, x[i]!));
  logit = new Add(logit, b);
  const notebookForm = new Inv(new Add(new Constant(1), new Exp(new Mul(logit, new Constant(-1)))));
  return { features, output: withStableForms(notebookForm), inputs };
}

/** The logistic model over named features, its weights and bias being parameters shared by every row. */
export interface FeatureModel {
  /** z = w_<f1>*f1 + ... + w_<fn>*fn + b. */
  readonly logit: Node;
  /** sigmoid(z). */
  readonly output: Node;
  /** The parameters, in order: w_<f1>..w_<fn>, b. */
  readonly parameters: readonly Variable[];
  /** The feature columns, in the order given. */
  readonly features: readonly Variable[];
}

/** The weight parameter's name for a feature: `w_<feature>`. */
export const weightName = (feature: string): string => `w_${feature}`;

export function featureModel(features: readonly string[]): FeatureModel {
  if (features.length === 0) throw new RangeError('the model needs at least one feature');
  const x = features.map((name) => new Variable(Number.NaN, name));
  const w = features.map((name) => new Variable(Number.NaN, weightName(name)));
  const b = new Variable(Number.NaN, 'b');
  let logit: Node = new Mul(w[0]!, x[0]!);
  for (let i = 1; i < features.length; i++) logit = new Add(logit, new Mul(w[i]!, x[i]!));
  logit = new Add(logit, b);
  return { logit, output: new Sigmoid(logit), parameters: [...w, b], features: x };
}
