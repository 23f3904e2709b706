/**
 * Values and gradients over columns already in memory, computed on the calling thread with the compiled
 * tape: for small data, tests and notebooks. The same tape and numbers as the CLI.
 */
import { modelTape } from '../compute/model-tape.js';
import { resolveJob } from '../compute/resolve-job.js';
import { BatchGradError } from '../errors.js';
import { expectedFeatures, formulaOf, type ModelChoice } from './model-choice.js';

export type InputColumns = Readonly<Record<string, Float64Array | readonly number[]>>;

export interface ColumnsResult {
  readonly rows: number;
  /** f per row. */
  readonly value: Float64Array;
  /** df/d<input> per row, keyed by input name, in the columns' order. */
  readonly gradients: Readonly<Record<string, Float64Array>>;
}

export function computeColumns(columns: InputColumns, model?: ModelChoice): ColumnsResult {
  const names = Object.keys(columns);
  const job = resolveJob(names, { expr: formulaOf(model), keep: [], delimiter: ',', onError: 'fail', file: '<columns>', collectRejects: false });
  const features = expectedFeatures(model);
  if (features !== undefined && job.model.kind === 'logistic' && job.model.features !== features) {
    throw new BatchGradError('HEADER_MISSING_COLUMN', `the columns make a logistic model with n=${job.model.features}, not ${features}`, {});
  }
  const lengths = names.map((name) => columns[name]!.length);
  const rows = lengths[0] ?? 0;
  const uneven = names.find((_, k) => lengths[k] !== rows);
  if (uneven !== undefined) {
    throw new BatchGradError('FIELD_COUNT', `column "${uneven}" has ${columns[uneven]!.length} rows, "${names[0]}" has ${rows}`, { field: uneven });
  }
  const inputs = job.inputColumns.map((c) => toFloat64(names[c]!, columns[names[c]!]!));
  const result = modelTape(job.model).run(inputs, rows);
  const gradients: Record<string, Float64Array> = {};
  for (const k of job.gradientOrder) gradients[names[job.inputColumns[k]!]!] = result.gradients[k]!.slice();
  return { rows, value: result.value.slice(), gradients };
}

function toFloat64(name: string, column: Float64Array | readonly number[]): Float64Array {
  if (column instanceof Float64Array) return column;
  const out = new Float64Array(column.length);
  column.forEach((x, i) => {
    if (typeof x !== 'number') {
      throw new BatchGradError('FIELD_NOT_A_NUMBER', `column "${name}", row ${i + 1}: not a number: ${JSON.stringify(x)}`, { field: name, record: i + 1, value: String(x) });
    }
    out[i] = x;
  });
  return out;
}
