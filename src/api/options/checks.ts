/**
 * The checks every option goes through, at the door. Every message has one shape, `--<option> needs
 * <what>; got <value>`, and every option the CLI or the library takes is checked in api/options/ and
 * nowhere else.
 */
import { availableParallelism } from 'node:os';
import type { OnError } from '../../compute/job/job.js';
import { BatchGradError } from '../../errors.js';
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from '../../pipeline/sizing.js';

export function invalid(option: string, needs: string, given: unknown): never {
  throw new BatchGradError('INVALID_OPTION', `--${option} needs ${needs}; got ${JSON.stringify(given)}`, {
    option,
    value: String(given),
  });
}

export function positiveInteger(
  option: string,
  value: unknown,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    return invalid(option, `a whole number from 1 to ${max}`, value);
  }
  return value;
}

/** `\t` and `tab` both mean a tab, since a literal tab is hard to type in a shell. */
export function delimiterOf(value: unknown): string {
  if (value === undefined) return ',';
  const delimiter = value === '\\t' || value === 'tab' ? '\t' : value;
  // One ASCII byte: the plain-chunk parser splits fields at that byte.
  if (
    typeof delimiter !== 'string' ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: every one-byte ASCII character but NUL, control characters (a tab) included
    !/^[\x01-\x7f]$/.test(delimiter) ||
    delimiter === '"' ||
    delimiter === '\n' ||
    delimiter === '\r'
  ) {
    return invalid(
      'delimiter',
      'one ASCII character other than a quote or a line break (use \\t or tab for a tab)',
      value,
    );
  }
  return delimiter;
}

/** Worker threads: the machine's available parallelism by default, and at most 4 a core (or 64). */
export function threadsOf(value: unknown): number {
  return positiveInteger('threads', value, availableParallelism(), Math.max(64, 4 * availableParallelism()));
}

export function batchSizeOf(value: unknown): number {
  return positiveInteger('batch-size', value, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE);
}

export function onErrorOf(value: unknown): OnError {
  if (value !== undefined && value !== 'fail' && value !== 'skip') invalid('on-error', 'fail or skip', value);
  return value ?? 'fail';
}

/** A list given as an array or as comma-separated text, each name trimmed. */
export function namesOf(option: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const names = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || n === '')) {
    return invalid(option, 'one or more names, comma-separated', value);
  }
  return names as string[];
}
