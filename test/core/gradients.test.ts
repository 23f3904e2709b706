import { describe, expect, it } from 'vitest';
import { compileFormula, compileTape, type Formula, OP_NAMES, OPS } from '../../src/core/index.js';
import { seededRandom, uniform } from '../support/random.js';

/** The inputs' names, two of them quoted as a formula must write them. */
const NAMES = ['a', 'b', 'Sepal.Length', 'my "col"'];
const SPELLED = ['a', 'b', '`Sepal.Length`', '"my ""col"""'];

/**
 * A random formula over the whole language whose every sub-expression stays smooth and bounded on
 * [-1.5, 1.5]^4, so that finite differences are a fair reference: divisors, log and sqrt arguments are
 * kept away from 0, asin's and acos's inside (-0.9, 0.9), a power's base above 0.4.
 */
function randomFormula(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (depth === 0 || random() < 0.2) {
    return random() < 0.75 ? pick(SPELLED) : uniform(random, -2, 2).toFixed(3);
  }
  const a = randomFormula(random, depth - 1);
  const b = randomFormula(random, depth - 1);
  const bounded = `tanh(${a})`;
  return pick([
    `(${a} + ${b})`,
    `(${a} - ${b})`,
    `(${a} * ${b})`,
    `(${a} / (1.5 + ${bounded}))`,
    `-(${a})`,
    `exp(${bounded})`,
    `log(2 + ${bounded})`,
    `sqrt(1.25 + sin(${a}))`,
    `sigmoid(${a})`,
    `tanh(${a})`,
    `cos(${a})`,
    `(1.5 + ${bounded})^${pick(['2', '3', '0.5', '-1', '-2.5'])}`,
    `1/(1+exp(-(${a})))`,
    `(1.5 + ${bounded})^tanh(${b})`,
    `pow(1.5 + ${bounded}, ${b})`,
    `log10(2 + ${bounded})`,
    `log2(2 + ${bounded})`,
    `tan(0.7 * ${bounded})`,
    `atan(${a})`,
    `asin(0.9 * ${bounded})`,
    `acos(0.9 * ${bounded})`,
    `sinh(${a})`,
    `cosh(${bounded})`,
    `cbrt(1.5 + ${bounded})`,
    `erf(${a})`,
    `erfc(${a})`,
    `hypot(${a}, 0.5 + ${bounded}^2)`,
    `atan2(${a}, 2 + ${bounded})`,
    `max(${a}, ${b})`,
    `min(${a}, ${b})`,
    `softplus(${a})`,
    `logsigmoid(${a})`,
    `log1p(0.5 * ${bounded})`,
    `expm1(${bounded})`,
    `log(1 + exp(${a}))`,
    `(exp(${bounded}) - 1)`,
    `log(sigmoid(${a}))`,
    `sqrt((${a})^2 + (0.5 + ${bounded}^2)^2)`,
  ]);
}

/** Evaluate a formula node by node at one point. */
function valueAt(formula: Formula, point: Record<string, number>): number {
  for (const v of formula.inputs) v.value = point[v.name]!;
  return formula.output.forward();
}

/** Node-by-node value and gradients at one point. */
function gradientsAt(formula: Formula, point: Record<string, number>): { value: number; gradients: number[] } {
  const value = valueAt(formula, point);
  formula.output.backward();
  return { value, gradients: formula.inputs.map((v) => v.grad) };
}

describe('gradients of random formulas', () => {
  const random = seededRandom(20261127);
  const formulas = Array.from({ length: 300 }, () => randomFormula(random, 4));

  // Central differences with h = 1e-6: truncation error ~h^2 * f''' and rounding ~eps/h, both far below
  // the tolerance for these bounded, smooth functions.
  const H = 1e-6;
  const TOLERANCE = 1e-6;

  it('agree with central finite differences within 1e-6 * max(1, |gradient|)', () => {
    let checked = 0;
    for (const text of formulas) {
      const formula = compileFormula(text);
      for (let trial = 0; trial < 5; trial++) {
        const point = Object.fromEntries(NAMES.map((n) => [n, uniform(random, -1.5, 1.5)]));
        const { gradients } = gradientsAt(formula, point);
        formula.inputs.forEach((v, k) => {
          const up = valueAt(formula, { ...point, [v.name]: point[v.name]! + H });
          const down = valueAt(formula, { ...point, [v.name]: point[v.name]! - H });
          const finiteDifference = (up - down) / (2 * H);
          const analytic = gradients[k]!;
          expect(Math.abs(analytic - finiteDifference), `${text} d/d${v.name}`).toBeLessThanOrEqual(
            TOLERANCE * Math.max(1, Math.abs(analytic)),
          );
          checked++;
        });
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('are equal to the bit between the compiled tape and node-by-node evaluation', () => {
    const rows = 64;
    for (const text of formulas) {
      const formula = compileFormula(text);
      const tape = compileTape(formula.output, formula.inputs);
      const columns = formula.inputs.map(() => Float64Array.from({ length: rows }, () => uniform(random, -3, 3)));
      const result = tape.run(columns, rows);
      for (let i = 0; i < rows; i++) {
        const point = Object.fromEntries(formula.inputs.map((v, k) => [v.name, columns[k]![i]!]));
        const expected = gradientsAt(formula, point);
        // Object.is: equal bits, NaN equal to NaN, 0 distinct from -0.
        expect(Object.is(result.value[i], expected.value), text).toBe(true);
        for (const [k, g] of expected.gradients.entries())
          expect(Object.is(result.gradients[k]![i], g), `${text} d/d${formula.inputs[k]!.name}`).toBe(true);
      }
    }
  });

  it('come back as one empty column per input for a batch of no rows (a chunk whose rows were all skipped)', () => {
    const formula = compileFormula('w*x1 + w*x2');
    const result = compileTape(formula.output, formula.inputs).run(
      formula.inputs.map(() => new Float64Array(0)),
      0,
    );
    expect(result.value).toHaveLength(0);
    expect(result.gradients.map((column) => column.length)).toEqual([0, 0, 0]);
  });
});

describe('the op table', () => {
  it('names each rule by its key, and gives a binary op, and only a binary op, a second gradient rule', () => {
    for (const name of OP_NAMES) {
      const rule = OPS[name];
      expect(rule.name).toBe(name);
      expect('gradB' in rule).toBe(rule.arity === 2);
    }
  });

  it('has gradient rules that match finite differences of its value rules', () => {
    const points: Array<[number, number]> = [
      [0.7, 1.3],
      [-0.4, 2.1],
      [1.9, -0.6],
    ];
    for (const name of OP_NAMES) {
      const rule = OPS[name];
      for (const [a, bArg] of points) {
        // Unary ops take their parameter in b; pow's must be a plain exponent, others ignore it.
        const b = rule.arity === 2 ? bArg : name === 'pow' ? 2.5 : 0;
        const base = ['log', 'log10', 'log2', 'sqrt', 'pow', 'power'].includes(name) ? Math.abs(a) : a;
        const y = rule.value(base, b);
        // Outside the op's domain (asin(1.9)) the value and every gradient are NaN; nothing to compare.
        if (Number.isNaN(y)) continue;
        const h = 1e-6;
        const dA = (rule.value(base + h, b) - rule.value(base - h, b)) / (2 * h);
        expect(rule.gradA(base, b, y, 1), `${name} d/da`).toBeCloseTo(dA, 6);
        if ('gradB' in rule) {
          const dB = (rule.value(base, b + h) - rule.value(base, b - h)) / (2 * h);
          expect(rule.gradB(base, b, y, 1), `${name} d/db`).toBeCloseTo(dB, 6);
        }
      }
    }
  });
});
