/**
 * The operations of the graph, one entry each: the forward value and the local gradient rules side by side,
 * so the calculus of an op can be checked in one glance. Both the node-by-node evaluation (graph.ts) and the
 * compiled tape (tape.ts) call these same functions, which is why their results agree to the bit.
 *
 * Conventions: `a`, `b` are the operand values (for a unary op, `b` is its constant parameter, e.g. pow's
 * exponent, else 0), `y` is the op's own forward value, `g` the upstream gradient d(output)/d(y).
 * A gradient rule returns g * d(y)/d(operand).
 */
export interface OpRule {
  readonly name: string;
  readonly arity: 1 | 2;
  readonly value: (a: number, b: number) => number;
  readonly gradA: (a: number, b: number, y: number, g: number) => number;
  /** Present exactly for binary ops. */
  readonly gradB?: (a: number, b: number, y: number, g: number) => number;
}

/** exp(-|z|): the one exponential the stable sigmoid needs; it never overflows. */
const expNegAbs = (z: number): number => Math.exp(-Math.abs(z));

/** 1/(1+exp(-z)) without overflow, with full relative precision in both tails. */
const sigmoid = (z: number): number => { const e = expNegAbs(z); return z >= 0 ? 1 / (1 + e) : e / (1 + e); };

/**
 * log(1+exp(x)) without overflow: x + log1p(exp(-x)) for x > 0 (exp of a negative number only), else
 * log1p(exp(x)), which keeps full relative precision where the value is tiny (softplus(-700) = exp(-700)).
 */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export const OPS = {
  add: { name: 'add', arity: 2, value: (a, b) => a + b, gradA: (_a, _b, _y, g) => g, gradB: (_a, _b, _y, g) => g },
  sub: { name: 'sub', arity: 2, value: (a, b) => a - b, gradA: (_a, _b, _y, g) => g, gradB: (_a, _b, _y, g) => -g },
  mul: { name: 'mul', arity: 2, value: (a, b) => a * b, gradA: (_a, b, _y, g) => g * b, gradB: (a, _b, _y, g) => g * a },
  // d(a/b)/db = -a/b^2 = -y/b: no b*b, which would overflow for |b| > 1.3e154.
  div: { name: 'div', arity: 2, value: (a, b) => a / b, gradA: (_a, b, _y, g) => g / b, gradB: (_a, b, y, g) => (-g * y) / b },

  neg: { name: 'neg', arity: 1, value: (a) => -a, gradA: (_a, _b, _y, g) => -g },
  // d(1/a)/da = -1/a^2 = -y^2: the notebook's rule, written with y so that it needs no division.
  inv: { name: 'inv', arity: 1, value: (a) => 1 / a, gradA: (_a, _b, y, g) => -(y * y) * g },
  exp: { name: 'exp', arity: 1, value: (a) => Math.exp(a), gradA: (_a, _b, y, g) => g * y },
  log: { name: 'log', arity: 1, value: (a) => Math.log(a), gradA: (a, _b, _y, g) => g / a },
  sqrt: { name: 'sqrt', arity: 1, value: (a) => Math.sqrt(a), gradA: (_a, _b, y, g) => (0.5 * g) / y },
  abs: { name: 'abs', arity: 1, value: (a) => Math.abs(a), gradA: (a, _b, _y, g) => (a > 0 ? g : a < 0 ? -g : 0) },
  sin: { name: 'sin', arity: 1, value: (a) => Math.sin(a), gradA: (a, _b, _y, g) => g * Math.cos(a) },
  cos: { name: 'cos', arity: 1, value: (a) => Math.cos(a), gradA: (a, _b, _y, g) => -g * Math.sin(a) },
  // 1 - tanh^2 written as 1/cosh^2: it keeps full relative precision where tanh rounds to +/-1.
  tanh: {
    name: 'tanh', arity: 1, value: (a) => Math.tanh(a),
    gradA: (a, _b, _y, g) => { const c = Math.cosh(a); return g / (c * c); },
  },
  // pow with a constant exponent p (carried in b). p = 0 is special-cased: 0 * pow(0, -1) would be NaN.
  pow: {
    name: 'pow', arity: 1, value: (a, p) => Math.pow(a, p),
    gradA: (a, p, _y, g) => (p === 0 ? 0 : g * p * Math.pow(a, p - 1)),
  },
  // The fused logistic 1/(1+exp(-z)). Forward never evaluates exp of a positive number, so it cannot
  // overflow. Its derivative is y(1-y), but 1-y computed by subtraction loses every digit once y rounds
  // to 1 (z > 37); so 1-y is taken as sigmoid(-z) instead: y(1-y) = e/(1+e)^2 with e = exp(-|z|).
  sigmoid: {
    name: 'sigmoid', arity: 1,
    value: sigmoid,
    gradA: (z, _b, _y, g) => { const e = expNegAbs(z); const s = 1 / (1 + e); return g * (e * s * s); },
  },
  // d softplus(x)/dx = sigmoid(x), taken from the stable sigmoid.
  softplus: { name: 'softplus', arity: 1, value: softplus, gradA: (x, _b, _y, g) => g * sigmoid(x) },
  // log(sigmoid(x)) = -softplus(-x); its derivative 1 - sigmoid(x) is sigmoid(-x), with no cancellation.
  logsigmoid: { name: 'logsigmoid', arity: 1, value: (x) => -softplus(-x), gradA: (x, _b, _y, g) => g * sigmoid(-x) },
  log1p: { name: 'log1p', arity: 1, value: (a) => Math.log1p(a), gradA: (a, _b, _y, g) => g / (1 + a) },
  // d expm1(a)/da = exp(a), computed directly rather than as y + 1, which rounds away digits near a = 0.
  expm1: { name: 'expm1', arity: 1, value: (a) => Math.expm1(a), gradA: (a, _b, _y, g) => g * Math.exp(a) },
  // Binary cross-entropy on the logit z with label y: softplus(z) - y*z. For y = 0 or 1 (the labels bce
  // takes) it is softplus(z) or softplus(-z), never a difference of large numbers, so it keeps full
  // relative precision where the loss is tiny and stays finite for any finite z; likewise its derivative
  // sigmoid(z) - y is sigmoid(z) or -sigmoid(-z). d/dy = -z.
  bce: {
    name: 'bce', arity: 2,
    value: (z, y) => (y === 0 ? softplus(z) : y === 1 ? softplus(-z) : softplus(z) - y * z),
    gradA: (z, y, _v, g) => g * (y === 0 ? sigmoid(z) : y === 1 ? -sigmoid(-z) : sigmoid(z) - y),
    gradB: (z, _y, _v, g) => -g * z,
  },
} as const satisfies Record<string, OpRule>;

export type OpName = keyof typeof OPS;

export const OP_NAMES = Object.keys(OPS) as OpName[];
