/**
 * Every function of the formula language against reference values computed with mpmath at 60 digits
 * (test/support/function-references.py writes function-references.json): its value, and its derivatives
 * from their textbook formulas, at ordinary points and near the edges of its domain.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFormula, OPS, type OpName, OpNode } from '../../src/core/index.js';

type Reference = number | 'inf' | '-inf' | null;
interface UnaryRow {
  x: number;
  value: Reference;
  d: Reference;
}
interface BinaryRow {
  x: number;
  y: number;
  value: Reference;
  dx: Reference;
  dy: Reference;
}
const references = JSON.parse(readFileSync(new URL('./function-references.json', import.meta.url), 'utf8')) as Record<
  string,
  Array<UnaryRow | BinaryRow>
>;

const asNumber = (r: Reference): number =>
  r === 'inf' ? Infinity : r === '-inf' ? -Infinity : r === null ? Number.NaN : r;

/** Within `ulps` units in the last place of the reference (and equal where the reference is 0, infinite or NaN). */
function close(got: number, want: Reference, ulps: number): boolean {
  const w = asNumber(want);
  if (!Number.isFinite(w) || w === 0) return Object.is(got, w) || (w === 0 && Math.abs(got) <= 5e-324 * ulps);
  if (Math.abs(w) < 2.2250738585072014e-308) return Math.abs(got - w) <= 5e-324 * ulps;
  return Math.abs(got - w) <= ulps * Number.EPSILON * Math.abs(w);
}

const rule = (name: string) =>
  OPS[name as OpName] as (typeof OPS)[OpName] & { gradB?: (a: number, b: number, y: number, g: number) => number };

describe('the formula functions against 60-digit references', () => {
  const names = Object.keys(references);

  it('cover every function the op table has beyond the arithmetic ones', () => {
    const arithmetic = ['add', 'sub', 'mul', 'div', 'neg', 'inv', 'abs', 'pow', 'min', 'max', 'bce', 'poisson'];
    const untested = Object.keys(OPS).filter((op) => !arithmetic.includes(op) && !names.includes(op));
    expect(untested).toEqual([]);
  });

  it.each(names)('%s: values within 2 ulps, derivatives within 8 ulps, at ordinary points and the edges', (name) => {
    const op = rule(name);
    for (const row of references[name]!) {
      const binary = 'y' in row;
      const b = binary ? row.y : 0;
      const value = op.value(row.x, b);
      expect(
        close(value, row.value, 2),
        `${name}(${row.x}${binary ? `, ${b}` : ''}) = ${value}, want ${row.value}`,
      ).toBe(true);
      const d = op.gradA(row.x, b, value, 1);
      const want = binary ? row.dx : row.d;
      expect(close(d, want, 8), `d${name}/da at (${row.x}${binary ? `, ${b}` : ''}) = ${d}, want ${want}`).toBe(true);
      if (binary) {
        const dB = op.gradB!(row.x, b, value, 1);
        expect(close(dB, row.dy, 8), `d${name}/db at (${row.x}, ${b}) = ${dB}, want ${row.dy}`).toBe(true);
      }
    }
  });
});

describe('edges the references do not reach', () => {
  it('power: the limits 0^y for y > 0 and integer powers of negative numbers, NaN only where no derivative exists', () => {
    const power = rule('power');
    const at = (a: number, b: number) => {
      const y = power.value(a, b);
      return [y, power.gradA(a, b, y, 1), power.gradB!(a, b, y, 1)];
    };
    expect(at(0, 2)).toEqual([0, 0, 0]);
    expect(at(0, 1)).toEqual([0, 1, 0]);
    expect(at(0, 0.5)).toEqual([0, Infinity, 0]);
    expect(at(-2, 2).slice(0, 2)).toEqual([4, -4]);
    expect(at(-2, 2)[2]).toBeNaN();
    expect(at(0, -1)[2]).toBeNaN();
    expect(at(3, 0)).toEqual([1, 0, Math.log(3)]);
  });

  it('hypot at the origin takes the subgradient 0; atan2 is exact on the axes and NaN at the origin', () => {
    const hypot = rule('hypot');
    expect([hypot.gradA(0, 0, 0, 1), hypot.gradB!(0, 0, 0, 1)]).toEqual([0, 0]);
    const atan2 = rule('atan2');
    expect(atan2.gradA(0, 3, 0, 1)).toBe(1 / 3);
    expect(atan2.gradB!(0, 3, 0, 1)).toBe(-0);
    expect(atan2.gradA(2, 0, 0, 1)).toBe(0);
    expect(atan2.gradB!(2, 0, 0, 1)).toBe(-0.5);
    expect(atan2.gradA(0, 0, 0, 1)).toBeNaN();
  });

  it('min and max give the chosen operand the gradient, and half to each at a tie', () => {
    for (const name of ['min', 'max']) {
      const op = rule(name);
      expect([op.gradA(2, 2, 2, 1), op.gradB!(2, 2, 2, 1)]).toEqual([0.5, 0.5]);
    }
    expect([rule('min').gradA(1, 2, 1, 1), rule('min').gradB!(1, 2, 1, 1)]).toEqual([1, 0]);
    expect([rule('max').gradA(1, 2, 2, 1), rule('max').gradB!(1, 2, 2, 1)]).toEqual([0, 1]);
    // min(x, x) is x: the two halves add up to its slope, 1.
    const formula = compileFormula('min(x, x)');
    formula.inputs[0]!.value = 3;
    formula.output.forward();
    formula.output.backward();
    expect(formula.inputs[0]!.grad).toBe(1);
  });

  it('erfc keeps full relative precision in the tail, where 1 - erf(x) is 0', () => {
    const erfc10 = references.erfc!.find((row) => row.x === 10)!.value as number;
    expect(rule('erfc').value(10, 0)).toBe(erfc10);
    expect(1 - rule('erf').value(10, 0)).toBe(0);
  });
});

describe('the formula language', () => {
  const ops = (text: string): string[] =>
    compileFormula(text)
      .output.order()
      .filter((n): n is OpNode => n instanceof OpNode)
      .map((n) => n.op);

  it('keeps the exact constant-exponent path for x^2 and takes the general power for x^y', () => {
    expect(ops('x^2')).toEqual(['pow']);
    expect(ops('x^y')).toEqual(['power']);
    expect(ops('pow(x, 2*y)')).toEqual(['mul', 'power']);
    expect(ops('a * t^b')).toEqual(['power', 'mul']);
  });

  it('rewrites the fragile spellings users write into stable ops', () => {
    expect(ops('log(1 + x)')).toEqual(['log1p']);
    expect(ops('log(x + 1)')).toEqual(['log1p']);
    expect(ops('exp(x) - 1')).toEqual(['expm1']);
    expect(ops('log(sigmoid(z))')).toEqual(['logsigmoid']);
    expect(ops('log(1/(1+exp(-z)))')).toEqual(['logsigmoid']);
    expect(ops('log(1 + exp(x))')).toEqual(['softplus']);
    expect(ops('sqrt(x^2 + y^2)')).toEqual(['hypot']);
    expect(ops('sqrt(x*x + y*y)')).toEqual(['hypot']);
  });

  it('takes quoted names in backticks or double quotes, a doubled quote inside, with positions in the user text', () => {
    const formula = compileFormula('`Sepal.Length` * 2 + "my ""col""" - `feature-1`');
    expect(formula.inputs.map((v) => v.name)).toEqual(['Sepal.Length', 'my "col"', 'feature-1']);
    expect(formula.positionOf('my "col"')).toBe(21);
    expect(formula.positionOf('feature-1')).toBe(36);
    let error: unknown;
    try {
      compileFormula('`a.b` + * 3');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'FORMULA_SYNTAX', context: { position: 9 } });
    expect(() => compileFormula('`unterminated + 1')).toThrow(/the name quoted at position 1 has no closing `/);
  });

  it("checks each function's number of arguments", () => {
    expect(() => compileFormula('hypot(x)')).toThrow(/hypot takes 2 arguments, got 1/);
    expect(() => compileFormula('erf(x, y)')).toThrow(/erf takes 1 argument, got 2/);
  });
});
