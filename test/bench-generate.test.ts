import { describe, expect, it } from 'vitest';
import { generateCsv } from './support/generate.js';

describe('the dataset generator', () => {
  it('gives the same bytes for the same seed, and a header for the logistic model', () => {
    const a = [...generateCsv({ rows: 500, features: 3, seed: 7 }, 100)].join('');
    const b = [...generateCsv({ rows: 500, features: 3, seed: 7 }, 77)].join('');
    const c = [...generateCsv({ rows: 500, features: 3, seed: 8 })].join('');
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const lines = a.trimEnd().split('\n');
    expect(lines[0]).toBe('id,w1,w2,w3,x1,x2,x3,b');
    expect(lines).toHaveLength(501);
    for (const line of lines.slice(1)) expect(line.split(',').map(Number).every(Number.isFinite)).toBe(true);
  });
});
