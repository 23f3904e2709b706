/**
 * From the input's header and the user's model choice to a JobSpec: which columns feed which model inputs,
 * which are kept, and every header problem reported before any row is computed.
 */
import { compileFormula, positionOfName } from '../core/formula.js';
import { logisticInputNames } from '../core/logistic.js';
import { BatchGradError } from '../errors.js';
import type { JobSpec, OnError } from './job.js';

export interface JobChoices {
  /** A formula, or undefined for the logistic model with n inferred from the header. */
  readonly expr?: string | undefined;
  readonly keep: readonly string[];
  readonly delimiter: string;
  readonly onError: OnError;
  readonly file: string;
  readonly collectRejects: boolean;
}

/**
 * A header read as one column that holds another common delimiter was almost surely split at the wrong
 * byte: say which delimiter it holds and how to ask for it.
 */
function delimiterHint(header: readonly string[], delimiter: string): string {
  if (header.length !== 1) return '';
  const candidates: Array<[string, string, string]> = [['\t', 'tabs', 'tab'], [';', 'semicolons', "';'"], ['|', 'bars', "'|'"]];
  const found = candidates.find(([byte]) => byte !== delimiter && header[0]!.includes(byte));
  const named = delimiter === ',' ? 'commas' : `"${delimiter}"`;
  return found === undefined ? '' : `; the header holds ${found[1]} but no ${named}: give -d ${found[2]}`;
}

export function resolveJob(header: readonly string[], choices: JobChoices): JobSpec {
  const where = `${choices.file}:1`;
  const empty = header.findIndex((name) => name.trim() === '');
  if (empty >= 0) {
    throw new BatchGradError('HEADER_INVALID', `${where}: header column ${empty + 1} has no name`, { file: choices.file, line: 1, column: empty + 1 });
  }
  const duplicate = header.findIndex((name, i) => header.indexOf(name) !== i);
  if (duplicate >= 0) {
    throw new BatchGradError('HEADER_INVALID', `${where}: header name "${header[duplicate]}" appears twice (columns ${header.indexOf(header[duplicate]!) + 1} and ${duplicate + 1})`, {
      file: choices.file, line: 1, column: duplicate + 1, field: header[duplicate]!,
    });
  }

  let model: { spec: JobSpec['model']; inputs: string[] };
  try {
    model = choices.expr === undefined ? logisticFromHeader(header, where, choices.file) : formulaModel(choices.expr, header);
  } catch (error) {
    const hint = delimiterHint(header, choices.delimiter);
    if (error instanceof BatchGradError && hint !== '') throw new BatchGradError(error.code, `${error.message}${hint}`, error.context);
    throw error;
  }
  const inputColumns = model.inputs.map((name) => header.indexOf(name));
  const missingKeep = choices.keep.filter((name) => !header.includes(name));
  if (missingKeep.length > 0) {
    throw new BatchGradError('HEADER_MISSING_COLUMN', `${where}: --keep names ${missingKeep.map((n) => `"${n}"`).join(', ')}, not in the header (${header.join(', ')})`, {
      file: choices.file, line: 1, option: 'keep', field: missingKeep[0]!,
    });
  }
  // Gradients are written in the order their inputs stand in the header.
  const gradientOrder = inputColumns.map((_, k) => k).sort((a, b) => inputColumns[a]! - inputColumns[b]!);
  return {
    model: model.spec,
    header,
    inputColumns,
    gradientOrder,
    keepColumns: choices.keep.map((name) => header.indexOf(name)),
    delimiter: choices.delimiter,
    onError: choices.onError,
    file: choices.file,
    collectRejects: choices.collectRejects,
  };
}

function logisticFromHeader(header: readonly string[], where: string, file: string): { spec: JobSpec['model']; inputs: string[] } {
  const indices = (prefix: string): number[] =>
    header.flatMap((name) => (new RegExp(`^${prefix}([1-9]\\d*)$`).exec(name) ? [Number(name.slice(1))] : []));
  const features = Math.max(0, ...indices('w'), ...indices('x'));
  if (features === 0) {
    throw new BatchGradError('HEADER_INVALID', `${where}: no model inputs in the header (${header.join(', ')}); the logistic model needs w1..wn, x1..xn and b, or give --expr`, {
      file, line: 1,
    });
  }
  const inputs = logisticInputNames(features);
  const missing = inputs.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new BatchGradError('HEADER_MISSING_COLUMN', `${where}: the logistic model with n=${features} needs ${missing.join(', ')}, missing from the header (${header.join(', ')})`, {
      file, line: 1, field: missing[0]!,
    });
  }
  return { spec: { kind: 'logistic', features }, inputs };
}

function formulaModel(expr: string, header: readonly string[]): { spec: JobSpec['model']; inputs: string[] } {
  const formula = compileFormula(expr);
  const missing = formula.inputs.find((v) => !header.includes(v.name));
  if (missing !== undefined) {
    const position = positionOfName(expr, missing.name) + 1;
    throw new BatchGradError(
      'HEADER_MISSING_COLUMN',
      `formula: "${missing.name}" (position ${position}) is not an input column; the columns are: ${header.join(', ')}`,
      { position, field: missing.name, value: expr },
    );
  }
  return { spec: { kind: 'formula', text: expr }, inputs: formula.inputs.map((v) => v.name) };
}
