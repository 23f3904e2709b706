/**
 * How batch-grad reads numbers: one grammar, so the CLI, the library and the tests agree.
 *
 * Read: a decimal number, optionally signed (+ or -), with optional fraction and exponent, optionally
 * surrounded by spaces or tabs: `1`, `-2.5`, `+.5`, `6.02e23`, ` 3 `. Refused: empty fields, `NaN`,
 * `Infinity` (a gradient of a non-number is no information, and pipelines should hear of such rows),
 * hex and other JavaScript-only forms (`0x1f`, `1_000`), and numbers that overflow float64 (`1e999`).
 * A number too small for float64 reads as 0 or a subnormal, as in every CSV reader.
 *
 * Write: see line-writer.ts (the shortest decimal that reads back as the same float64, as String(x)
 * writes it, except that -0 keeps its sign).
 */
import type { ErrorCode } from '../../errors.js';

const DECIMAL = /^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;

export type FieldReading = { ok: true; value: number } | { ok: false; code: ErrorCode; reason: string };

export function readNumber(field: string): FieldReading {
  if (/^[ \t]*$/.test(field)) return { ok: false, code: 'FIELD_EMPTY', reason: 'empty field' };
  if (!DECIMAL.test(field)) return { ok: false, code: 'FIELD_NOT_A_NUMBER', reason: 'not a decimal number' };
  const value = Number(field);
  if (!Number.isFinite(value)) return { ok: false, code: 'FIELD_OUT_OF_RANGE', reason: 'too large for float64' };
  return { ok: true, value };
}
