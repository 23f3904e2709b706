import { describe, expect, it } from 'vitest';
import { Add, Constant, compileTape, Exp, Inv, logisticModel, Mul, Variable } from '../../src/core/index.js';

// z = w1*x1 + b with w1 = z, x1 = 1, b = ±0 reproduces z exactly, sign of zero included.
const Z_VALUES = [0, -0, 30, -30, 89, -89, 709, -709, 710, -710, 745, -745, 1000, -1000, 1e300, -1e300];

/** References independent of the implementation's formulas, accurate to a few ulps for |z| <= 700. */
const sigmoidReference = (z: number): number => 1 / (1 + Math.exp(-z));
const slopeReference = (z: number): number => 1 / (Math.exp(z) + 2 + Math.exp(-z));
const relative = (got: number, want: number): number => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));

function logisticAt(z: number): { f: number; dw: number; dx: number; db: number } {
  const model = logisticModel(1);
  const result = compileTape(model.output, model.inputs).run(
    [Float64Array.of(z), Float64Array.of(1), Float64Array.of(Object.is(z, -0) ? -0 : 0)],
    1,
  );
  const [dw, dx, db] = result.gradients.map((g) => g[0]!);
  return { f: result.value[0]!, dw: dw!, dx: dx!, db: db! };
}

describe('the logistic model at extreme z', () => {
  it.each(Z_VALUES)('z = %d gives no NaN or Infinity, and accurate or exact-limit results', (z) => {
    const { f, dw, dx, db } = logisticAt(z);
    for (const v of [f, dw, dx, db]) expect(Number.isFinite(v)).toBe(true);

    if (Math.abs(z) <= 700) {
      const slope = slopeReference(z);
      expect(relative(f, sigmoidReference(z))).toBeLessThanOrEqual(1e-12);
      expect(relative(dw, slope)).toBeLessThanOrEqual(1e-12); // x1 = 1
      expect(relative(db, slope)).toBeLessThanOrEqual(1e-12);
      expect(relative(dx, slope * z)).toBeLessThanOrEqual(1e-12); // w1 = z
    } else {
      // The limits: f -> 0 or 1 and every gradient -> 0. Between 700 and 745 the true values are
      // subnormal numbers, not yet exactly 0, so there we ask for the limit to within 1e-300.
      const limit = z > 0 ? 1 : 0;
      expect(Math.abs(f - limit)).toBeLessThanOrEqual(1e-300);
      for (const g of [dw, db]) expect(g >= 0 && g <= 1e-300).toBe(true);
      if (Math.abs(z) > 746) {
        expect(f).toBe(limit);
        expect([dw, db]).toEqual([0, 0]);
        expect(Math.abs(dx)).toBe(0);
      }
    }
  });

  it('keeps the value in [0, 1] and the gradient finite for subnormal inputs', () => {
    const tiny = Number.MIN_VALUE;
    const model = logisticModel(2);
    const columns = [tiny, -tiny, 2.2250738585072014e-308 / 3, 1, -tiny].map((v) => Float64Array.of(v));
    const result = compileTape(model.output, model.inputs).run(columns, 1);
    expect(result.value[0]).toBe(0.5);
    for (const g of result.gradients) expect(Number.isFinite(g[0]!)).toBe(true);
    expect(result.gradients[4]![0]).toBe(0.25); // df/db = f(1-f) at z ~ 0
  });

  it('needs the fused sigmoid: the notebook chain op by op turns the gradient into NaN at z = -710', () => {
    const z = new Variable(-710);
    const chain = new Inv(new Add(new Constant(1), new Exp(new Mul(z, new Constant(-1)))));
    expect(chain.forward()).toBe(0);
    chain.backward();
    expect(z.grad).toBeNaN(); // -0 * Infinity in Exp's backward; logisticModel avoids this chain.
  });
});
