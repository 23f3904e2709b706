import { describe, expect, it } from 'vitest';
import { Add, Constant, compileTape, Exp, Inv, logisticModel, Mul, Variable } from '../../src/core/index.js';

// The seed notebook's inputs and its printed results.
const NOTEBOOK = { w1: 2, w2: -3, x1: -1, x2: -2, b: -3 };
const NOTEBOOK_PRINTED = { logit: 1.0, f: 0.73105857863, grads: ['-0.20', '-0.39', '0.39', '-0.59', '0.20'] };

/** Relative difference, exact 0 when equal (including both 0). */
const relative = (got: number, want: number): number => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));

describe('the notebook example', () => {
  it('reproduces the printed values and gradients, built by hand with the notebook node types', () => {
    const [w1, w2, x1, x2, b] = [2, -3, -1, -2, -3].map((v) => new Variable(v));
    const logit = new Add(new Add(new Mul(w1!, x1!), new Mul(w2!, x2!)), b!);
    const f = new Inv(new Add(new Variable(1), new Exp(new Mul(logit, new Variable(-1)))));

    expect(logit.forward()).toBe(NOTEBOOK_PRINTED.logit);
    expect(f.forward()).toBeCloseTo(NOTEBOOK_PRINTED.f, 11);
    f.backward(1.0);
    expect([w1, w2, x1, x2, b].map((v) => v!.grads.toFixed(2))).toEqual(NOTEBOOK_PRINTED.grads);
  });

  it('matches the closed form f(1-f)x, f(1-f)w, f(1-f) to full float64 precision in the logistic model', () => {
    const model = logisticModel(2);
    const values = [NOTEBOOK.w1, NOTEBOOK.w2, NOTEBOOK.x1, NOTEBOOK.x2, NOTEBOOK.b];
    for (const [k, v] of model.inputs.entries()) v.value = values[k]!;
    const f = model.output.forward();
    model.output.backward();

    const z = NOTEBOOK.w1 * NOTEBOOK.x1 + NOTEBOOK.w2 * NOTEBOOK.x2 + NOTEBOOK.b;
    const fClosed = 1 / (1 + Math.exp(-z));
    const slope = fClosed * (1 - fClosed);
    expect(f).toBe(fClosed);
    const closedGradients = [slope * NOTEBOOK.x1, slope * NOTEBOOK.x2, slope * NOTEBOOK.w1, slope * NOTEBOOK.w2, slope];
    model.inputs.forEach((v, k) => {
      // A few units in the last place: the two sides round different but equivalent expressions.
      expect(relative(v.grad, closedGradients[k]!)).toBeLessThanOrEqual(4 * Number.EPSILON);
    });
    expect(model.inputs.map((v) => v.grad.toFixed(2))).toEqual(NOTEBOOK_PRINTED.grads);
  });

  it('gives the same numbers through the compiled tape', () => {
    const model = logisticModel(2);
    const tape = compileTape(model.output, model.inputs);
    const columns = [NOTEBOOK.w1, NOTEBOOK.w2, NOTEBOOK.x1, NOTEBOOK.x2, NOTEBOOK.b].map((v) => Float64Array.of(v));
    const result = tape.run(columns, 1);
    expect(result.value[0]).toBeCloseTo(NOTEBOOK_PRINTED.f, 11);
    expect(result.gradients.map((g) => g[0]!.toFixed(2))).toEqual(NOTEBOOK_PRINTED.grads);
  });
});

describe("the notebook's bug: a variable used by two paths", () => {
  it('accumulates the gradient: f = w*x1 + w*x2 at (5, 1, 2) gives 15 and [3, 5, 5]', () => {
    const [w, x1, x2] = [5, 1, 2].map((v) => new Variable(v));
    const f = new Add(new Mul(w!, x1!), new Mul(w!, x2!));
    expect(f.forward()).toBe(15);
    f.backward(1);
    expect([w, x1, x2].map((v) => v!.grads)).toEqual([3, 5, 5]);
  });

  it('resets gradients between backward passes instead of adding to the last one', () => {
    const [w, x1, x2] = [5, 1, 2].map((v) => new Variable(v));
    const f = new Add(new Mul(w!, x1!), new Mul(w!, x2!));
    f.forward();
    f.backward(1);
    f.backward(1);
    expect(w!.grad).toBe(3);
  });

  it('gives the same through the tape and through a formula', async () => {
    const { compileFormula } = await import('../../src/core/index.js');
    const formula = compileFormula('w*x1 + w*x2');
    const result = compileTape(formula.output, formula.inputs).run(
      [5, 1, 2].map((v) => Float64Array.of(v)),
      1,
    );
    expect(result.value[0]).toBe(15);
    expect(result.gradients.map((g) => g[0])).toEqual([3, 5, 5]);
  });
});

describe('shared sub-graphs', () => {
  it('evaluates 60 levels of x = x + x once per node: value and gradient 2^60', () => {
    const x = new Variable(1, 'x');
    let node: Add | Variable = x;
    for (let level = 0; level < 60; level++) node = new Add(node, node);
    // Each node is visited once: 60 sums plus the variable, not 2^60 paths.
    expect(node.order()).toHaveLength(61);
    expect(node.forward()).toBe(2 ** 60);
    node.backward();
    expect(x.grad).toBe(2 ** 60);

    const result = compileTape(node, [x]).run([Float64Array.of(1, 3)], 2);
    expect([...result.value]).toEqual([2 ** 60, 3 * 2 ** 60]);
    expect([...result.gradients[0]!]).toEqual([2 ** 60, 2 ** 60]);
  });

  it('handles a chain 100,000 nodes deep without recursion', () => {
    const x = new Variable(0.5, 'x');
    let node: Add | Variable = x;
    for (let i = 0; i < 100_000; i++) node = new Add(node, new Constant(1e-5));
    expect(node.forward()).toBeCloseTo(1.5, 9);
    node.backward();
    expect(x.grad).toBe(1);
  });

  it('refuses an input list that omits a variable the graph reads', () => {
    const x = new Variable(1, 'x');
    const y = new Variable(2, 'y');
    expect(() => compileTape(new Mul(x, y), [x])).toThrow(/reads "y"/);
  });
});
