/**
 * From the input's header and the user's model choice to a JobSpec: which columns feed which model inputs,
 * which names are parameters, which gradients are written, and every problem with them reported before
 * any row is computed.
 */
import { compileFormula, type Formula } from '../../core/formula.js';
import { logisticInputNames, weightName } from '../../core/logistic.js';
import { LABEL_DOMAINS, LOSSES, type LossKind } from '../../core/loss.js';
import { softmaxParameterNames } from '../../core/softmax.js';
import { BatchGradError, type ErrorContext } from '../../errors.js';
import type { JobSpec, ModelSpec, OnError } from './job.js';

export interface TrainingChoices {
  /** `--features`: the logistic model over these columns, with parameters w_<feature> and b. */
  readonly features?: readonly string[] | undefined;
  /** Parameters: names bound to one value for every row. */
  readonly params?: Readonly<Record<string, number>> | undefined;
  readonly label?: string | undefined;
  readonly loss?: LossKind | undefined;
  readonly weight?: string | undefined;
  /** The inputs whose gradients are written (default: the parameters if any, else every model input). */
  readonly wrt?: readonly string[] | undefined;
  /** With --loss softmax: the label's classes, as written, in the order their parameters take. */
  readonly classes?: readonly string[] | undefined;
  /** A softmax fit's first look at its labels: collect them, compute nothing that is kept. */
  readonly findClasses?: boolean | undefined;
  /** A second-order fit's passes: also sum each row's curvature over the parameters. */
  readonly curvature?: boolean | undefined;
}

export interface JobChoices extends TrainingChoices {
  /** A formula, or undefined for a logistic model. */
  readonly expr?: string | undefined;
  readonly keep: readonly string[];
  readonly delimiter: string;
  /** The output's encoding and delimiter (default: CSV with the input's delimiter). */
  readonly output?: JobSpec['output'];
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
  const candidates: Array<[string, string, string]> = [
    ['\t', 'tabs', 'tab'],
    [';', 'semicolons', "';'"],
    ['|', 'bars', "'|'"],
  ];
  const found = candidates.find(([byte]) => byte !== delimiter && header[0]!.includes(byte));
  const named = delimiter === ',' ? 'commas' : `"${delimiter}"`;
  return found === undefined ? '' : `; the header holds ${found[1]} but no ${named}: give -d ${found[2]}`;
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

function usage(option: string, message: string, context: ErrorContext = {}): BatchGradError {
  return new BatchGradError('INVALID_OPTION', message, { option, ...context });
}

/** The model and its names: parameters (with defaults) and the columns it reads, each in model order. */
interface ModelNames {
  readonly spec: ModelSpec;
  /** Every name the model reads, in the model's order. */
  readonly names: readonly string[];
  /** Parameters the model itself declares, each 0 unless given (the features model's weights and bias). */
  readonly declaredParams: readonly string[];
  /** The compiled formula, for a formula model (its names' positions go into messages). */
  readonly formula?: Formula;
}

export function resolveJob(header: readonly string[], choices: JobChoices): JobSpec {
  try {
    return resolve(header, choices);
  } catch (error) {
    const hint = delimiterHint(header, choices.delimiter);
    if (error instanceof BatchGradError && error.code.startsWith('HEADER_') && hint !== '') {
      throw new BatchGradError(error.code, `${error.message}${hint}`, error.context);
    }
    throw error;
  }
}

function resolve(header: readonly string[], choices: JobChoices): JobSpec {
  const where = `${choices.file}:1`;
  const empty = header.findIndex((name) => name.trim() === '');
  if (empty >= 0) {
    throw new BatchGradError('HEADER_INVALID', `${where}: header column ${empty + 1} has no name`, {
      file: choices.file,
      line: 1,
      column: empty + 1,
    });
  }
  const duplicate = header.findIndex((name, i) => header.indexOf(name) !== i);
  if (duplicate >= 0) {
    throw new BatchGradError(
      'HEADER_INVALID',
      `${where}: header name "${header[duplicate]}" appears twice (columns ${header.indexOf(header[duplicate]!) + 1} and ${duplicate + 1})`,
      {
        file: choices.file,
        line: 1,
        column: duplicate + 1,
        field: header[duplicate]!,
      },
    );
  }
  const given = choices.params ?? {};
  const model = modelNames(header, choices, where);

  const isParam = (name: string): boolean => model.declaredParams.includes(name) || Object.hasOwn(given, name);
  const unknown = Object.keys(given).filter((name) => !model.names.includes(name));
  if (unknown.length > 0) {
    throw usage(
      'param',
      `--param ${quoted(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not in the model, whose names are: ${model.names.join(', ')}`,
      { field: unknown[0]! },
    );
  }
  for (const name of model.names) {
    if (isParam(name) && header.includes(name)) {
      throw usage(
        'param',
        `"${name}" is both a column of ${choices.file} (column ${header.indexOf(name) + 1}) and a parameter; rename the column or the parameter`,
        { field: name },
      );
    }
  }
  const params = model.names.filter(isParam);
  const modelColumns = model.names.filter((name) => !isParam(name));
  const missing = modelColumns.find((name) => !header.includes(name));
  if (missing !== undefined) throw missingColumn(missing, header, choices, where, params, model);

  const { label, loss, weight } = choices;
  if ((label === undefined) !== (loss === undefined)) {
    throw usage(
      label === undefined ? 'loss' : 'label',
      label === undefined
        ? '--loss needs --label, the column that holds the target'
        : `--label needs --loss ${LOSSES.slice(0, -1).join(', ')} or ${LOSSES.at(-1)}`,
    );
  }
  if (weight !== undefined && loss === undefined) throw usage('weight', '--weight needs --label and --loss');
  for (const [option, column] of [
    ['label', label],
    ['weight', weight],
  ] as const) {
    if (column === undefined) continue;
    if (!header.includes(column)) {
      throw new BatchGradError(
        'HEADER_MISSING_COLUMN',
        `${where}: --${option} names "${column}", not in the header (${header.join(', ')})`,
        { file: choices.file, line: 1, option, field: column },
      );
    }
    if (model.names.includes(column))
      throw usage(option, `--${option} "${column}" is also an input of the model; a ${option} cannot be one`, {
        field: column,
      });
  }
  if (label !== undefined && label === weight)
    throw usage('weight', `--weight and --label both name "${label}"`, { field: label });

  // The tape's inputs: the columns read from each row (model columns, label, weight), then the parameters.
  const rowInputs = [
    ...modelColumns,
    ...(label === undefined ? [] : [label]),
    ...(weight === undefined ? [] : [weight]),
  ];
  const inputs = [...rowInputs, ...params];
  const inputColumns = rowInputs.map((name) => header.indexOf(name));

  const wrt = choices.wrt ?? (params.length > 0 ? params : modelColumns);
  // A weight has no gradient here, nor has softmax's label: it names a class, not a number.
  const notInputs = wrt.filter(
    (name) => !inputs.includes(name) || name === weight || (loss === 'softmax' && name === label),
  );
  if (notInputs.length > 0) {
    throw usage(
      'wrt',
      `--wrt ${quoted(notInputs)}: not an input of the model (its inputs: ${[...params, ...modelColumns, ...(label === undefined ? [] : [label])].join(', ')})`,
      { field: notInputs[0]! },
    );
  }
  // Parameters in model order, then columns in header order.
  const gradientOrder = [
    ...params.filter((name) => wrt.includes(name)),
    ...rowInputs.filter((name) => wrt.includes(name)).sort((a, b) => header.indexOf(a) - header.indexOf(b)),
  ].map((name) => inputs.indexOf(name));

  const missingKeep = choices.keep.filter((name) => !header.includes(name));
  if (missingKeep.length > 0) {
    throw new BatchGradError(
      'HEADER_MISSING_COLUMN',
      `${where}: --keep names ${quoted(missingKeep)}, not in the header (${header.join(', ')})`,
      {
        file: choices.file,
        line: 1,
        option: 'keep',
        field: missingKeep[0]!,
      },
    );
  }
  return {
    tape: {
      model: model.spec,
      ...(loss === undefined
        ? {}
        : { loss: { kind: loss, label: label!, ...(weight === undefined ? {} : { weight }) } }),
      inputs,
      params: params.map((name) => given[name] ?? 0),
      differentiate: gradientOrder,
      ...(choices.curvature === true && loss !== undefined ? { curvature: true } : {}),
    },
    header,
    inputColumns,
    gradientOrder,
    ...(loss !== undefined && LABEL_DOMAINS[loss] !== 'any'
      ? {
          label: {
            position: rowInputs.indexOf(label!),
            domain: LABEL_DOMAINS[loss],
            ...(model.spec.kind === 'softmax' ? { classes: model.spec.classes } : {}),
            ...(choices.findClasses === true ? { collect: true } : {}),
          },
        }
      : {}),
    keepColumns: choices.keep.map((name) => header.indexOf(name)),
    delimiter: choices.delimiter,
    output: choices.output ?? { encoding: 'csv', delimiter: choices.delimiter },
    onError: choices.onError,
    file: choices.file,
    collectRejects: choices.collectRejects,
  };
}

/** The softmax model: its features, its classes, and a weight and a bias for each class and feature. */
function softmaxNames(choices: JobChoices): ModelNames {
  const { features } = choices;
  if (features === undefined)
    throw usage('features', '--loss softmax needs --features, the columns its classes are told apart by');
  const classes = choices.findClasses === true ? [] : choices.classes;
  if (classes === undefined || (classes.length < 2 && choices.findClasses !== true)) {
    throw usage(
      'classes',
      "--loss softmax needs its classes: --classes a,b,... (at least two), --params with a fit's model.json, or fit, which finds them",
    );
  }
  const repeated = classes.find((c, i) => classes.indexOf(c) !== i || c === '');
  if (repeated !== undefined) throw usage('classes', `--classes names ${JSON.stringify(repeated)} twice or empty`);
  const repeatedFeature = features.find((name, i) => features.indexOf(name) !== i);
  if (repeatedFeature !== undefined)
    throw usage('features', `--features names "${repeatedFeature}" twice`, { field: repeatedFeature });
  const params = softmaxParameterNames(classes, features);
  const clash = features.find((name) => params.includes(name));
  if (clash !== undefined)
    throw usage('features', `--features: "${clash}" is also the name of a parameter`, { field: clash });
  return {
    spec: { kind: 'softmax', names: features, classes },
    names: [...params, ...features],
    declaredParams: params,
  };
}

function modelNames(header: readonly string[], choices: JobChoices, where: string): ModelNames {
  const { expr, features } = choices;
  if (expr !== undefined && features !== undefined)
    throw usage('features', '--features and --expr each choose the model; give one');
  if (choices.loss === 'softmax') return softmaxNames(choices);
  if (choices.classes !== undefined) throw usage('classes', '--classes goes with --loss softmax');
  if (features !== undefined) {
    const params = [...features.map(weightName), 'b'];
    const clash = features.find((name) => params.includes(name));
    if (clash !== undefined)
      throw usage('features', `--features: "${clash}" is also the name of a parameter (${params.join(', ')})`, {
        field: clash,
      });
    const repeated = features.find((name, i) => features.indexOf(name) !== i);
    if (repeated !== undefined) throw usage('features', `--features names "${repeated}" twice`, { field: repeated });
    return { spec: { kind: 'features', names: features }, names: [...params, ...features], declaredParams: params };
  }
  if (expr !== undefined) {
    const formula = compileFormula(expr);
    return {
      spec: { kind: 'formula', text: expr },
      names: formula.inputs.map((v) => v.name),
      declaredParams: [],
      formula,
    };
  }
  // The notebook's model: n from the names w<i> and x<i> among the columns and the given parameters.
  const names = [...header, ...Object.keys(choices.params ?? {})];
  const indices = (prefix: string): number[] =>
    names.flatMap((name) => (new RegExp(`^${prefix}([1-9]\\d*)$`).exec(name) ? [Number(name.slice(1))] : []));
  const n = Math.max(0, ...indices('w'), ...indices('x'));
  if (n === 0) {
    throw new BatchGradError(
      'HEADER_INVALID',
      `${where}: no model inputs in the header (${header.join(', ')}); the logistic model needs w1..wn, x1..xn and b, or give --features or --expr`,
      {
        file: choices.file,
        line: 1,
      },
    );
  }
  return { spec: { kind: 'logistic', features: n }, names: logisticInputNames(n), declaredParams: [] };
}

function missingColumn(
  name: string,
  header: readonly string[],
  choices: JobChoices,
  where: string,
  params: readonly string[],
  { spec: model, formula }: ModelNames,
): BatchGradError {
  const paramNote = params.length > 0 ? ` nor a parameter (${params.join(', ')})` : '';
  if (formula !== undefined) {
    const position = formula.positionOf(name) + 1;
    return new BatchGradError(
      'HEADER_MISSING_COLUMN',
      `formula: "${name}" (position ${position}) is not an input column${paramNote}; the columns are: ${header.join(', ')}`,
      { position, field: name, value: formula.text },
    );
  }
  if (model.kind !== 'logistic') {
    return new BatchGradError(
      'HEADER_MISSING_COLUMN',
      `${where}: --features names "${name}", not in the header (${header.join(', ')})`,
      { file: choices.file, line: 1, option: 'features', field: name },
    );
  }
  const all = logisticInputNames(model.features).filter((input) => !header.includes(input) && !params.includes(input));
  return new BatchGradError(
    'HEADER_MISSING_COLUMN',
    `${where}: the logistic model with n=${model.features} needs ${all.join(', ')}, missing from the header (${header.join(', ')})`,
    {
      file: choices.file,
      line: 1,
      field: name,
    },
  );
}
