/**
 * A kept value of an Arrow or Parquet column, as a text output (CSV, TSV, JSON Lines) writes it: decimals
 * with their exact digits and point, dates, times and timestamps in ISO 8601 to their unit's last digit
 * (from the stored integer, not from JavaScript's double of milliseconds), other values as JavaScript holds
 * them (strings, booleans, numbers, 64-bit integers as bigints).
 */
import type { Data, DataType, Vector } from 'apache-arrow';
import { arrow } from './libraries.js';

/** A number whose exact digits are text: written bare in CSV and in JSON (a JSON number, any length). */
export class NumberText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Row i of `vector` as a text output writes it; null for a null. */
export function keptTextReader(vector: Vector): (i: number) => unknown {
  const { DataType: Types } = arrow();
  const type = vector.type as DataType;
  const raw = rawReader(vector);
  if (Types.isDecimal(type)) {
    const scale = (type as unknown as { scale: number }).scale;
    return (i) => {
      const value = vector.get(i) as { toString(): string } | null;
      return value === null ? null : new NumberText(withScale(String(value), scale));
    };
  }
  if (Types.isTimestamp(type)) {
    const { unit, timezone } = type as unknown as { unit: number; timezone?: string | null };
    return (i) =>
      vector.isValid(i) ? timestampText(BigInt(raw(i) as bigint | number), 3 * unit, timezone ? 'Z' : '') : null;
  }
  if (Types.isDate(type)) {
    // DateDay holds days; DateMillisecond milliseconds.
    const perDay = (type as unknown as { unit: number }).unit === 0 ? 1n : 86_400_000n;
    return (i) =>
      vector.isValid(i)
        ? timestampText((BigInt(raw(i) as bigint | number) / perDay) * 86_400n, 0, '').slice(0, 10)
        : null;
  }
  if (Types.isTime(type)) {
    const { unit } = type as unknown as { unit: number };
    return (i) => (vector.isValid(i) ? timestampText(BigInt(raw(i) as bigint | number), 3 * unit, '').slice(11) : null);
  }
  return (i) => vector.get(i);
}

/** The stored value of row i (a number or a bigint), wherever its chunk is. */
function rawReader(vector: Vector): (i: number) => unknown {
  const chunks = vector.data as Data[];
  if (chunks.length === 1) {
    const values = chunks[0]!.values as ArrayLike<unknown>;
    return (i) => values[i];
  }
  return (i) => {
    let row = i;
    let chunk = 0;
    while (row >= chunks[chunk]!.length) row -= chunks[chunk++]!.length;
    return (chunks[chunk]!.values as ArrayLike<unknown>)[row];
  };
}

/** Unscaled digits (with any sign) and a scale, as a decimal: ("-5", 2) is -0.05. */
export function withScale(digits: string, scale: number): string {
  const negative = digits.startsWith('-');
  const magnitude = negative ? digits.slice(1) : digits;
  if (scale <= 0) return `${digits}${'0'.repeat(-scale)}`;
  const padded = magnitude.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * `value` units of 10^-`digits` seconds since the epoch, as YYYY-MM-DDTHH:MM:SS[.fraction][suffix]; the
 * fraction has its unit's digits, trailing zeros dropped.
 */
export function timestampText(value: bigint, digits: number, suffix: string): string {
  const per = 10n ** BigInt(digits);
  let seconds = value / per;
  let fraction = value % per;
  if (fraction < 0n) {
    fraction += per;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  // Outside years 0-9999 ISO 8601 needs a signed, longer year: such a value is written as stored.
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 0 || date.getUTCFullYear() > 9999)
    return value.toString();
  const fractionText = fraction === 0n ? '' : `.${fraction.toString().padStart(digits, '0').replace(/0+$/, '')}`;
  return `${date.toISOString().slice(0, 19)}${fractionText}${suffix}`;
}
