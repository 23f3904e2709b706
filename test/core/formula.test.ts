import { describe, expect, it } from 'vitest';
import { resolveJob } from '../../src/compute/job/resolve-job.js';
import { compileFormula, compileTape, OpNode, Sigmoid } from '../../src/core/index.js';
import { BatchGradError } from '../../src/errors.js';

function errorOf(run: () => unknown): BatchGradError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BatchGradError);
    return error as BatchGradError;
  }
  throw new Error('expected an error');
}

const evaluate = (text: string, point: Record<string, number>): number => {
  const formula = compileFormula(text);
  for (const v of formula.inputs) v.value = point[v.name]!;
  return formula.output.forward();
};

describe('formulas', () => {
  it('follow the usual precedence: powers right-associative and above * and +', () => {
    expect(evaluate('1 + 2*x^2', { x: 3 })).toBe(19);
    expect(evaluate('2^3^2', {})).toBe(512);
    expect(evaluate('x**0.5', { x: 16 })).toBe(4);
    expect(evaluate('(-x)^2', { x: 3 })).toBe(9);
    expect(evaluate('-(x^2)', { x: 3 })).toBe(-9);
    expect(evaluate('x^(-1/2)', { x: 4 })).toBe(0.5);
    expect(evaluate('pow(x, 3) - 1e1', { x: 2 })).toBe(-2);
    expect(evaluate('abs(x) + sqrt(y) + log(exp(z)) + tanh(0) + sigmoid(0)', { x: -2, y: 9, z: 1 })).toBe(6.5);
  });

  it('lists each input once, in order of first appearance', () => {
    expect(compileFormula('w*x1 + w*x2 + b').inputs.map((v) => v.name)).toEqual(['w', 'x1', 'x2', 'b']);
  });

  it('recognises 1/(1+exp(-z)) in its usual spellings and computes it as the stable sigmoid', () => {
    for (const text of ['1/(1+exp(-z))', '1/(exp(-z)+1)', '1/(1+exp(z*-1))', '1/(1+exp(-1*z))', '1/(1+exp(0-z))']) {
      expect(compileFormula(text).output, text).toBeInstanceOf(Sigmoid);
    }
    const formula = compileFormula('1/(1+exp(-(w*x+b)))');
    const result = compileTape(formula.output, formula.inputs).run(
      [-1000, 1, 0].map((v) => Float64Array.of(v)),
      1,
    );
    expect(result.value[0]).toBe(0);
    expect(result.gradients.map((g) => g[0])).toEqual([0, 0, 0]);
    expect(compileFormula('1/(2+exp(-z))').output).toBeInstanceOf(OpNode);
  });

  it('reports a syntax error with its position', () => {
    const error = errorOf(() => compileFormula('w*x +* b'));
    expect(error.code).toBe('FORMULA_SYNTAX');
    expect(error.context.position).toBe(6);
    expect(error.message).toMatch(/position 6/);
    expect(errorOf(() => compileFormula('(a + b')).code).toBe('FORMULA_SYNTAX');
    expect(errorOf(() => compileFormula('   ')).code).toBe('FORMULA_SYNTAX');
  });

  it('reports an unknown function by name and position', () => {
    const error = errorOf(() => compileFormula('x + frobnicate(y)'));
    expect(error.code).toBe('FORMULA_UNKNOWN_FUNCTION');
    expect(error.context.position).toBe(5);
    expect(error.message).toMatch(/unknown function "frobnicate"/);
  });

  it('reports a name that is not an input column, before anything is computed', () => {
    const error = errorOf(() =>
      resolveJob(['w', 'x', 'b'], {
        expr: 'w*x + bias',
        keep: [],
        delimiter: ',',
        onError: 'fail',
        file: 'in.csv',
        collectRejects: false,
      }),
    );
    expect(error.code).toBe('HEADER_MISSING_COLUMN');
    expect(error.context).toMatchObject({ field: 'bias', position: 7 });
    expect(error.message).toMatch(/"bias" \(position 7\) is not an input column; the columns are: w, x, b/);
  });

  it('refuses what it cannot differentiate or what is ambiguous', () => {
    expect(errorOf(() => compileFormula('x > 1 ? x : 0')).code).toBe('FORMULA_UNSUPPORTED');
    expect(errorOf(() => compileFormula("'text' + x")).code).toBe('FORMULA_UNSUPPORTED');
    expect(errorOf(() => compileFormula('x % 2')).code).toBe('FORMULA_UNSUPPORTED');
    const ambiguous = errorOf(() => compileFormula('1 + -x^2'));
    expect(ambiguous.code).toBe('FORMULA_UNSUPPORTED');
    expect(ambiguous.message).toMatch(/ambiguous at position 5/);
  });
});
