/** A fit's own options, checked like every other. */
import { invalid, positiveInteger } from './checks.js';

export interface FitSettings {
  /** Weight of (l2/2)||weights||^2 added to the mean loss; the bias b is not penalised. */
  readonly l2: number;
  readonly maxIterations: number;
  /** Converged when the gradient's largest component is at most this. */
  readonly tolerance: number;
  readonly history: number;
  /** Keep the parsed model inputs in memory after the first pass. */
  readonly cache: boolean;
}

export interface FitSettingsInput {
  readonly l2?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
  readonly history?: number;
  readonly cache?: boolean;
}

/** What a fit uses for an option not given (the CLI's help reads them here). */
export const FIT_DEFAULTS = { l2: 0, maxIterations: 100, tolerance: 1e-8, history: 10 } as const;

export function fitSettingsOf(input: FitSettingsInput): FitSettings {
  const nonNegative = (option: string, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) invalid(option, 'a number >= 0', value);
    return value;
  };
  return {
    l2: nonNegative('l2', input.l2, FIT_DEFAULTS.l2),
    maxIterations: positiveInteger('max-iter', input.maxIterations, FIT_DEFAULTS.maxIterations, 1_000_000),
    tolerance: nonNegative('tol', input.tolerance, FIT_DEFAULTS.tolerance),
    history: positiveInteger('history', input.history, FIT_DEFAULTS.history, 1000),
    cache: input.cache ?? false,
  };
}
