import { describe, expect, it } from 'vitest';
import { compileFormula, compileTape, OP_NAMES, OPS, type Formula } from '../../src/core/index.js';
import { seededRandom, uniform } from '../support/random.js';

const NAMES = ['a', 'b', 'c', 'd'];

/**
 * A random formula over a..d whose every sub-expression stays smooth and bounded on [-1.5, 1.5]^4, so that
 * finite differences are a fair reference: divisors, log and sqrt arguments are kept away from 0.
 */
function randomFormula(random: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (depth === 0 || random() < 0.2) {
    return random() < 0.75 ? pick(NAMES) : uniform(random, -2, 2).toFixed(3);
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
        expected.gradients.forEach((g, k) => expect(Object.is(result.gradients[k]![i], g), `${text} d/d${formula.inputs[k]!.name}`).toBe(true));
      }
    }
  });

  it('come back as one empty column per input for a batch of no rows (a chunk whose rows were all skipped)', () => {
    const formula = compileFormula('w*x1 + w*x2');
    const result = compileTape(formula.output, formula.inputs).run(formula.inputs.map(() => new Float64Array(0)), 0);
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
    const points: Array<[number, number]> = [[0.7, 1.3], [-0.4, 2.1], [1.9, -0.6]];
    for (const name of OP_NAMES) {
      const rule = OPS[name];
      for (const [a, bArg] of points) {
        // Unary ops take their parameter in b; pow's must be a plain exponent, others ignore it.
        const b = rule.arity === 2 ? bArg : name === 'pow' ? 2.5 : 0;
        const base = name === 'log' || name === 'sqrt' || name === 'pow' ? Math.abs(a) : a;
        const y = rule.value(base, b);
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
