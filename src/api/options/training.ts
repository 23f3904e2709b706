/** The training options (features, parameters, label, loss, weight, wrt), checked once. */
import { readFileSync } from 'node:fs';
import type { TrainingChoices } from '../../compute/job/resolve-job.js';
import { LOSSES, type LossKind } from '../../core/loss.js';
import { invalid, namesOf } from './checks.js';

/** The training options as a caller gives them: lists as arrays or comma-separated text. */
export interface TrainingInput {
  /** `--features age,income`: the logistic model over these columns, parameters w_<feature> and b. */
  readonly features?: readonly string[] | string;
  /** Parameter values by name, or (the CLI's --params) the path of a JSON file holding them. */
  readonly params?: Readonly<Record<string, number>> | string;
  /** `--param name=value`, repeatable; these win over `params`. */
  readonly param?: readonly string[] | string;
  /** The label's column. */
  readonly label?: string;
  readonly loss?: LossKind;
  /** A column whose value multiplies each row's loss. */
  readonly weight?: string;
  /** The inputs whose gradients are written. */
  readonly wrt?: readonly string[] | string;
  /** With `loss: 'softmax'`: the label's classes, as written (default: those of a fit's model.json given as `params`). */
  readonly classes?: readonly string[] | string;
}

function parameterValue(option: string, name: string, value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) invalid(option, `a finite number for "${name}"`, value);
  return number;
}

/**
 * `--params`: an object of numbers, or a JSON file holding one (or the `params` of a fit's output, with
 * its `classes` for a softmax model).
 */
function paramsOf(value: unknown): { params: Record<string, number>; classes?: string[] } {
  if (value === undefined) return { params: {} };
  let classes: string[] | undefined;
  let object: unknown = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(readFileSync(value, 'utf8')) as unknown;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      return invalid(
        'params',
        `a readable JSON file of parameter values (${code === 'ENOENT' ? 'no such file' : message})`,
        value,
      );
    }
    if (typeof object === 'object' && object !== null && 'classes' in object)
      classes = namesOf('params', (object as { classes: unknown }).classes);
    if (typeof object === 'object' && object !== null && 'params' in object)
      object = (object as { params: unknown }).params;
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    return invalid('params', 'an object of parameter values by name', value);
  const params = Object.fromEntries(
    Object.entries(object).map(([name, v]) => [name, parameterValue('params', name, v)]),
  );
  return classes === undefined ? { params } : { params, classes };
}

export function trainingOf(input: TrainingInput): TrainingChoices {
  const { params, classes: fitted } = paramsOf(input.params);
  const single = typeof input.param === 'string' ? [input.param] : (input.param ?? []);
  for (const item of single) {
    const at = typeof item === 'string' ? item.indexOf('=') : -1;
    if (at <= 0) invalid('param', 'name=value', item);
    params[item.slice(0, at).trim()] = parameterValue('param', item.slice(0, at).trim(), item.slice(at + 1));
  }
  if (input.loss !== undefined && !(LOSSES as readonly unknown[]).includes(input.loss))
    invalid('loss', `${LOSSES.slice(0, -1).join(', ')} or ${LOSSES.at(-1)}`, input.loss);
  for (const option of ['label', 'weight'] as const) {
    const value = input[option];
    if (value !== undefined && (typeof value !== 'string' || value === '')) invalid(option, 'a column name', value);
  }
  return {
    features: namesOf('features', input.features),
    params,
    label: input.label,
    loss: input.loss,
    weight: input.weight,
    wrt: namesOf('wrt', input.wrt),
    // A model.json's classes count only for the softmax model it was fitted for.
    classes: namesOf('classes', input.classes) ?? (input.loss === 'softmax' ? fitted : undefined),
  };
}
