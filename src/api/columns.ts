/**
 * Values and gradients over columns already in memory, computed on the calling thread with the compiled
 * tape: for small data, tests and notebooks. The same tape and numbers as the CLI.
 */
import { type CheckedLabel, classOfValue, isLabelIn, labelReason, unknownClassReason } from '../compute/job/labels.js';
import { runModel } from '../compute/job/model-tape.js';
import { resolveJob } from '../compute/job/resolve-job.js';
import { BatchGradError } from '../errors.js';
import { expectedFeatures, formulaOf, type ModelChoice } from './options/model-choice.js';
import { checkKeys } from './options/option-keys.js';
import { type TrainingInput, trainingOf } from './options/training.js';

export type InputColumns = Readonly<Record<string, Float64Array | readonly number[] | readonly string[]>>;

/** A model choice, with the training options (`features`, `params`, `label`, `loss`, `weight`, `wrt`). */
export interface ColumnsOptions extends TrainingInput {
  readonly model?: ModelChoice;
  /** A formula (the same as `model: formula`). */
  readonly expr?: string;
}

export interface ColumnsResult {
  readonly rows: number;
  /**
   * f per row: the model's value (with `loss: 'bce'`, the predicted probability; with `loss: 'softmax'`,
   * the probability of the row's own label).
   */
  readonly value: Float64Array;
  /** With `loss: 'softmax'`: each class's probability per row, keyed by class. */
  readonly probabilities?: Readonly<Record<string, Float64Array>>;
  /** The loss per row, with a loss. */
  readonly loss?: Float64Array;
  /** df/d<input> (or dloss/d<input>) per row, keyed by input name: parameters, then columns in the columns' order. */
  readonly gradients: Readonly<Record<string, Float64Array>>;
}

/** The second argument is a model choice (as before) or the options object. */
function optionsOf(choice: ModelChoice | ColumnsOptions): ColumnsOptions {
  if (choice === undefined || typeof choice === 'string' || ('expr' in choice && Object.keys(choice).length === 1))
    return { model: choice as ModelChoice };
  if ('features' in choice && typeof choice.features === 'number') return { model: choice as ModelChoice };
  checkKeys('computeColumns()', choice);
  return choice as ColumnsOptions;
}

export function computeColumns(columns: InputColumns, modelOrOptions?: ModelChoice | ColumnsOptions): ColumnsResult {
  const options = optionsOf(modelOrOptions);
  const names = Object.keys(columns);
  const job = resolveJob(names, {
    ...trainingOf(options),
    expr: formulaOf(options),
    keep: [],
    delimiter: ',',
    onError: 'fail',
    file: '<columns>',
    collectRejects: false,
  });
  const features = expectedFeatures(options.model);
  if (features !== undefined && job.tape.model.kind === 'logistic' && job.tape.model.features !== features) {
    throw new BatchGradError(
      'HEADER_MISSING_COLUMN',
      `the columns make a logistic model with n=${job.tape.model.features}, not ${features}`,
      {},
    );
  }
  const lengths = names.map((name) => columns[name]!.length);
  const rows = lengths[0] ?? 0;
  const uneven = names.find((_, k) => lengths[k] !== rows);
  if (uneven !== undefined) {
    throw new BatchGradError(
      'FIELD_COUNT',
      `column "${uneven}" has ${columns[uneven]!.length} rows, "${names[0]}" has ${rows}`,
      { field: uneven },
    );
  }
  const inputs = job.inputColumns.map((c, k) =>
    k === job.label?.position && job.label.domain === 'class'
      ? classIndexes(names[c]!, columns[names[c]!]!, job.label)
      : toFloat64(names[c]!, columns[names[c]!]!),
  );
  const checked = job.label;
  if (checked !== undefined) {
    const label = names[job.inputColumns[checked.position]!]!;
    const bad = inputs[checked.position]!.findIndex((y) => !isLabelIn(checked.domain, y));
    if (bad >= 0) {
      const value = inputs[checked.position]![bad]!;
      throw new BatchGradError(
        'LABEL_INVALID',
        `column "${label}", row ${bad + 1}: ${labelReason(checked.domain, value)}`,
        {
          field: label,
          record: bad + 1,
          value: String(value),
        },
      );
    }
  }
  const result = runModel(job.tape, inputs, rows);
  const gradients: Record<string, Float64Array> = {};
  for (const k of job.gradientOrder) gradients[job.tape.inputs[k]!] = result.gradients[k]!.slice();
  const loss = result.loss ? { loss: result.loss.slice() } : {};
  const model = job.tape.model;
  if (model.kind !== 'softmax') return { rows, value: result.predictions[0]!.slice(), ...loss, gradients };
  const labels = inputs[job.label!.position]!;
  const value = Float64Array.from({ length: rows }, (_, i) => result.predictions[labels[i]!]![i]!);
  const probabilities = Object.fromEntries(model.classes.map((c, k) => [c, result.predictions[k]!.slice()]));
  return { rows, value, probabilities, ...loss, gradients };
}

/** A softmax label column (its classes as written, or numbers) as class indexes. */
function classIndexes(name: string, column: ArrayLike<unknown>, label: CheckedLabel): Float64Array {
  return Float64Array.from({ length: column.length }, (_, i) => {
    const index = classOfValue(label, column[i]);
    if (index < 0) {
      throw new BatchGradError(
        'LABEL_INVALID',
        `column "${name}", row ${i + 1}: ${unknownClassReason(label.classes ?? [], String(column[i]))}`,
        { field: name, record: i + 1, value: String(column[i]) },
      );
    }
    return index;
  });
}

function toFloat64(name: string, column: Float64Array | readonly number[] | readonly string[]): Float64Array {
  if (column instanceof Float64Array) return column;
  const out = new Float64Array(column.length);
  column.forEach((x, i) => {
    if (typeof x !== 'number') {
      throw new BatchGradError(
        'FIELD_NOT_A_NUMBER',
        `column "${name}", row ${i + 1}: not a number: ${JSON.stringify(x)}`,
        { field: name, record: i + 1, value: String(x) },
      );
    }
    out[i] = x;
  });
  return out;
}
