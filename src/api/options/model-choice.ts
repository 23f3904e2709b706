/** How library callers name a model: the logistic model (n given or inferred from the columns) or a formula. */
import { invalid } from './checks.js';

export type ModelChoice = { readonly features: number } | { readonly expr: string } | string | undefined;

/**
 * The formula to use, or undefined for the logistic model (whose n the columns decide): from `model` or
 * `expr`, the CLI's word, which every entry point takes too.
 */
export function formulaOf(options: {
  readonly model?: ModelChoice;
  readonly expr?: string | undefined;
}): string | undefined {
  const { model, expr } = options;
  if (expr !== undefined && model !== undefined)
    invalid('model', 'to be left out when expr is given (both name the model)', model);
  if (model === undefined) return expr;
  if (typeof model === 'string') return model;
  if ('expr' in model) return model.expr;
  if (!Number.isInteger(model.features) || model.features < 1)
    invalid('model', 'a formula, or { features: n } with n a whole number from 1', model);
  return undefined;
}

/** When the caller fixed n, the columns must be exactly the logistic model's; check it by name. */
export function expectedFeatures(model: ModelChoice): number | undefined {
  return typeof model === 'object' && 'features' in model ? model.features : undefined;
}
