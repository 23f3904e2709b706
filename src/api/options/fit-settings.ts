/** A fit's own options, checked like every other. */
import type { LossKind } from '../../core/loss.js';
import { invalid, positiveInteger } from './checks.js';

/**
 * How a fit steps: Newton's method on the exact curvature (bce), Levenberg–Marquardt on the Gauss–Newton
 * matrix (squared), L-BFGS from gradients alone; `auto` picks the first that suits the loss, or L-BFGS
 * beyond NEWTON_MAX_PARAMETERS.
 */
export const FIT_METHODS = ['auto', 'newton', 'lm', 'lbfgs'] as const;
export type FitMethodChoice = (typeof FIT_METHODS)[number];
export type FitMethod = Exclude<FitMethodChoice, 'auto'>;

/**
 * Above this many parameters `auto` uses L-BFGS: a curvature pass sums p(p+1)/2 products a row, so its
 * cost grows as p² while an L-BFGS pass grows as p (docs/training.md has the measurement).
 */
export const NEWTON_MAX_PARAMETERS = 64;

/** The method `auto` stands for, given the loss and how many parameters are fitted. */
export function methodFor(choice: FitMethodChoice, loss: LossKind, parameters: number): FitMethod {
  if (choice !== 'auto') return choice;
  if (parameters > NEWTON_MAX_PARAMETERS) return 'lbfgs';
  return loss === 'squared' ? 'lm' : 'newton';
}

export interface FitSettings {
  /** Weight of (l2/2)||weights||^2 added to the mean loss; the bias b is not penalised. */
  readonly l2: number;
  readonly maxIterations: number;
  /** Converged when the gradient's largest component is at most this. */
  readonly tolerance: number;
  readonly history: number;
  /** Keep the parsed model inputs in memory after the first pass. */
  readonly cache: boolean;
  readonly method: FitMethodChoice;
}

export interface FitSettingsInput {
  readonly l2?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
  readonly history?: number;
  readonly cache?: boolean;
  readonly method?: FitMethodChoice;
}

/** What a fit uses for an option not given (the CLI's help reads them here). */
export const FIT_DEFAULTS = { l2: 0, maxIterations: 100, tolerance: 1e-8, history: 10, method: 'auto' } as const;

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
    method: methodChoiceOf(input.method),
  };
}

function methodChoiceOf(value: unknown): FitMethodChoice {
  if (value === undefined) return FIT_DEFAULTS.method;
  if (!(FIT_METHODS as readonly unknown[]).includes(value))
    invalid('method', `${FIT_METHODS.slice(0, -1).join(', ')} or ${FIT_METHODS.at(-1)}`, value);
  return value as FitMethodChoice;
}
