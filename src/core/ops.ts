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

import { createRequire } from 'node:module';

type Special = (x: number) => number;
const require = createRequire(import.meta.url);
let erfFunction: Special | undefined;
let erfcFunction: Special | undefined;
/** erf and erfc are required on first use: @stdlib's packages take tens of milliseconds to load. */
const erf = (x: number): number => {
  erfFunction ??= require('@stdlib/math-base-special-erf') as Special;
  return erfFunction(x);
};
const erfc = (x: number): number => {
  erfcFunction ??= require('@stdlib/math-base-special-erfc') as Special;
  return erfcFunction(x);
};

/** 2/sqrt(pi): d erf(x)/dx = (2/sqrt(pi)) exp(-x^2). */
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** exp(-|z|): the one exponential the stable sigmoid needs; it never overflows. */
const expNegAbs = (z: number): number => Math.exp(-Math.abs(z));

/** 1/(1+exp(-z)) without overflow, with full relative precision in both tails. */
const sigmoid = (z: number): number => {
  const e = expNegAbs(z);
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
};

/**
 * log(1+exp(x)) without overflow: x + log1p(exp(-x)) for x > 0 (exp of a negative number only), else
 * log1p(exp(x)), which keeps full relative precision where the value is tiny (softplus(-700) = exp(-700)).
 */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

export const OPS = {
  add: { name: 'add', arity: 2, value: (a, b) => a + b, gradA: (_a, _b, _y, g) => g, gradB: (_a, _b, _y, g) => g },
  sub: { name: 'sub', arity: 2, value: (a, b) => a - b, gradA: (_a, _b, _y, g) => g, gradB: (_a, _b, _y, g) => -g },
  mul: {
    name: 'mul',
    arity: 2,
    value: (a, b) => a * b,
    gradA: (_a, b, _y, g) => g * b,
    gradB: (a, _b, _y, g) => g * a,
  },
  // d(a/b)/db = -a/b^2 = -y/b: no b*b, which would overflow for |b| > 1.3e154.
  div: {
    name: 'div',
    arity: 2,
    value: (a, b) => a / b,
    gradA: (_a, b, _y, g) => g / b,
    gradB: (_a, b, y, g) => (-g * y) / b,
  },

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
    name: 'tanh',
    arity: 1,
    value: (a) => Math.tanh(a),
    gradA: (a, _b, _y, g) => {
      const c = Math.cosh(a);
      return g / (c * c);
    },
  },
  // pow with a constant exponent p (carried in b). p = 0 is special-cased: 0 * pow(0, -1) would be NaN.
  pow: {
    name: 'pow',
    arity: 1,
    value: (a, p) => a ** p,
    gradA: (a, p, _y, g) => (p === 0 ? 0 : g * p * a ** (p - 1)),
  },
  // pow with a variable exponent: d/da = b a^(b-1), d/db = a^b log(a), each at its limit where one exists
  // (0^b for b > 0 has d/db = 0; a^0 is constant in a), NaN where the derivative does not exist (d/db for
  // a < 0, where a^b is not defined for b near an integer; d/db at a = 0 for b <= 0).
  power: {
    name: 'power',
    arity: 2,
    value: (a, b) => a ** b,
    gradA: (a, b, _y, g) => (b === 0 ? 0 : g * b * a ** (b - 1)),
    gradB: (a, b, y, g) => (a === 0 ? (b > 0 ? 0 : Number.NaN) : g * y * Math.log(a)),
  },
  log10: { name: 'log10', arity: 1, value: (a) => Math.log10(a), gradA: (a, _b, _y, g) => g / (a * Math.LN10) },
  log2: { name: 'log2', arity: 1, value: (a) => Math.log2(a), gradA: (a, _b, _y, g) => g / (a * Math.LN2) },
  // 1/cos^2 rather than 1 + tan^2: the same where both are finite, and no overflow of tan^2.
  tan: {
    name: 'tan',
    arity: 1,
    value: (a) => Math.tan(a),
    gradA: (a, _b, _y, g) => {
      const c = Math.cos(a);
      return g / (c * c);
    },
  },
  // 1/(1+a^2), written as r^2/(1+r^2) with r = 1/a for |a| > 1, so that a^2 cannot overflow to a 0 slope early.
  atan: {
    name: 'atan',
    arity: 1,
    value: (a) => Math.atan(a),
    gradA: (a, _b, _y, g) => {
      if (Math.abs(a) <= 1) return g / (1 + a * a);
      const r = 1 / a;
      return g * ((r * r) / (1 + r * r));
    },
  },
  // 1/sqrt(1-a^2) as 1/sqrt((1-a)(1+a)): no cancellation near |a| = 1, where the slope is large but finite.
  asin: {
    name: 'asin',
    arity: 1,
    value: (a) => Math.asin(a),
    gradA: (a, _b, _y, g) => g / Math.sqrt((1 - a) * (1 + a)),
  },
  acos: {
    name: 'acos',
    arity: 1,
    value: (a) => Math.acos(a),
    gradA: (a, _b, _y, g) => -g / Math.sqrt((1 - a) * (1 + a)),
  },
  sinh: { name: 'sinh', arity: 1, value: (a) => Math.sinh(a), gradA: (a, _b, _y, g) => g * Math.cosh(a) },
  cosh: { name: 'cosh', arity: 1, value: (a) => Math.cosh(a), gradA: (a, _b, _y, g) => g * Math.sinh(a) },
  // d cbrt(a)/da = 1/(3 cbrt(a)^2); infinite at 0, where the curve is vertical.
  cbrt: { name: 'cbrt', arity: 1, value: (a) => Math.cbrt(a), gradA: (_a, _b, y, g) => g / (3 * y * y) },
  // sqrt(a^2+b^2) without overflow or underflow (Math.hypot); slopes a/h and b/h, and 0 at the origin,
  // where hypot is not differentiable (the subgradient abs also takes at 0).
  hypot: {
    name: 'hypot',
    arity: 2,
    value: (a, b) => Math.hypot(a, b),
    gradA: (a, _b, h, g) => (h === 0 ? 0 : g * (a / h)),
    gradB: (_a, b, h, g) => (h === 0 ? 0 : g * (b / h)),
  },
  // atan2(y, x): d/dy = x/(x^2+y^2), d/dx = -y/(x^2+y^2), each as (x/h)/h so that neither square overflows;
  // exact on the axes (d/dy = 1/x on y = 0), NaN at the origin, where the angle has no derivative.
  atan2: {
    name: 'atan2',
    arity: 2,
    value: (y, x) => Math.atan2(y, x),
    gradA: (y, x, _v, g) => {
      const h = Math.hypot(y, x);
      return g * (x / h / h);
    },
    gradB: (y, x, _v, g) => {
      const h = Math.hypot(y, x);
      return -g * (y / h / h);
    },
  },
  // min and max: the gradient goes to the operand chosen; at a tie each gets half, so min(x, x) has slope 1.
  min: {
    name: 'min',
    arity: 2,
    value: (a, b) => Math.min(a, b),
    gradA: (a, b, _y, g) => (a < b ? g : a > b ? 0 : 0.5 * g),
    gradB: (a, b, _y, g) => (b < a ? g : b > a ? 0 : 0.5 * g),
  },
  max: {
    name: 'max',
    arity: 2,
    value: (a, b) => Math.max(a, b),
    gradA: (a, b, _y, g) => (a > b ? g : a < b ? 0 : 0.5 * g),
    gradB: (a, b, _y, g) => (b > a ? g : b < a ? 0 : 0.5 * g),
  },
  // erf and erfc from @stdlib (FreeBSD's s_erf.c, errors below one ulp); erfc keeps full relative precision
  // in its tail (erfc(10) ~ 2.1e-45), where 1 - erf(x) is 0. d erf/dx = 2/sqrt(pi) exp(-x^2).
  erf: {
    name: 'erf',
    arity: 1,
    value: (a) => erf(a),
    gradA: (a, _b, _y, g) => g * TWO_OVER_SQRT_PI * Math.exp(-a * a),
  },
  erfc: {
    name: 'erfc',
    arity: 1,
    value: (a) => erfc(a),
    gradA: (a, _b, _y, g) => -g * TWO_OVER_SQRT_PI * Math.exp(-a * a),
  },
  // The fused logistic 1/(1+exp(-z)). Forward never evaluates exp of a positive number, so it cannot
  // overflow. Its derivative is y(1-y), but 1-y computed by subtraction loses every digit once y rounds
  // to 1 (z > 37); so 1-y is taken as sigmoid(-z) instead: y(1-y) = e/(1+e)^2 with e = exp(-|z|).
  sigmoid: {
    name: 'sigmoid',
    arity: 1,
    value: sigmoid,
    gradA: (z, _b, _y, g) => {
      const e = expNegAbs(z);
      const s = 1 / (1 + e);
      return g * (e * s * s);
    },
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
    name: 'bce',
    arity: 2,
    value: (z, y) => (y === 0 ? softplus(z) : y === 1 ? softplus(-z) : softplus(z) - y * z),
    gradA: (z, y, _v, g) => g * (y === 0 ? sigmoid(z) : y === 1 ? -sigmoid(-z) : sigmoid(z) - y),
    gradB: (z, _y, _v, g) => -g * z,
  },
  // Poisson's negative log-likelihood on the log of the mean z with count y, less the term log(y!) that
  // does not depend on z: exp(z) - y*z. Finite wherever exp(z) is (z up to about 709.78); d/dz = exp(z) - y,
  // d/dy = -z. At y = 0 it is exp(z) itself, so it keeps full relative precision where it is tiny.
  poisson: {
    name: 'poisson',
    arity: 2,
    value: (z, y) => (y === 0 ? Math.exp(z) : Math.exp(z) - y * z),
    gradA: (z, y, _v, g) => g * (Math.exp(z) - y),
    gradB: (z, _y, _v, g) => -g * z,
  },
} as const satisfies Record<string, OpRule>;

export type OpName = keyof typeof OPS;

export const OP_NAMES = Object.keys(OPS) as OpName[];
