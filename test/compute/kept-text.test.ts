/** Kept typed values as text: decimal points from a scale, ISO 8601 from a stored integer and its unit. */
import { describe, expect, it } from 'vitest';
import { timestampText, withScale } from '../../src/compute/columnar/kept-text.js';

describe('kept values as text', () => {
  it('puts a decimal point where the scale says, signs and leading zeros included', () => {
    expect(withScale('125', 3)).toBe('0.125');
    expect(withScale('-5', 3)).toBe('-0.005');
    expect(withScale('123456789012345678901234567890', 4)).toBe('12345678901234567890123456.7890');
    expect(withScale('0', 2)).toBe('0.00');
    expect(withScale('42', 0)).toBe('42');
    expect(withScale('-42', -2)).toBe('-4200');
  });

  it("writes a timestamp to its unit's last digit, before 1970 too, and a value no ISO year holds as stored", () => {
    expect(timestampText(1704067200000000001n, 9, '')).toBe('2024-01-01T00:00:00.000000001');
    expect(timestampText(1704067201000000n, 6, 'Z')).toBe('2024-01-01T00:00:01Z');
    expect(timestampText(-1n, 9, '')).toBe('1969-12-31T23:59:59.999999999');
    expect(timestampText(-1500n, 3, '')).toBe('1969-12-31T23:59:58.5');
    expect(timestampText(0n, 0, '')).toBe('1970-01-01T00:00:00');
    expect(timestampText(400_000_000_000n, 0, '')).toBe('400000000000');
  });
});
