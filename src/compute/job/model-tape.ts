/**
 * A job's model compiled to a tape, once per model per thread (compiling builds a function; reuse it),
 * and run over a batch of rows with the parameters supplied as constant columns. The parameters' values
 * are not part of the compiled tape, so a fit that changes them every pass compiles once.
 */
import { compileFormula } from '../../core/formula.js';
import { type Node, Variable } from '../../core/graph.js';
import { featureModel, logisticModel } from '../../core/logistic.js';
import { type LossGraph, withLoss } from '../../core/loss.js';
import { Tape } from '../../core/tape.js';
import type { TapeSpec } from './job.js';
import { hasLinearCurvature, linearCurvature } from './linear-curvature.js';
import { runSoftmax, softmaxCurvature } from './softmax-run.js';

interface Compiled {
  readonly tape: Tape;
  /** The loss's inner node u as root, l''(u)·weight as its extra: compiled on a second-order fit's first pass. */
  curvature: Tape | undefined;
  /** Constant columns holding the parameters, refilled when their values change. */
  paramColumns: Float64Array[];
  filledWith: readonly number[] | undefined;
}

const compiled = new Map<string, Compiled>();

/** The model's graph with every input it names, and its logit (the node a bce loss is taken on). */
function modelGraph(spec: TapeSpec): { output: Node; logit: Node; variables: Map<string, Variable> } {
  const model = spec.model;
  if (model.kind === 'formula') {
    const formula = compileFormula(model.text);
    return {
      output: formula.output,
      logit: formula.output,
      variables: new Map(formula.inputs.map((v) => [v.name, v])),
    };
  }
  if (model.kind === 'features') {
    const built = featureModel(model.names);
    return {
      output: built.output,
      logit: built.logit,
      variables: new Map([...built.parameters, ...built.features].map((v) => [v.name, v])),
    };
  }
  if (model.kind === 'softmax') throw new Error('the softmax model has no graph: softmax-run.ts computes it');
  const logistic = logisticModel(model.features);
  // The stable form's sigmoid node; its operand is the logit.
  return {
    output: logistic.output,
    logit: logistic.output.inputs[0]!,
    variables: new Map(logistic.inputs.map((v) => [v.name, v])),
  };
}

/** The loss's graph over the spec's inputs (and the inputs as variables), or the model alone without a loss. */
function compile(spec: TapeSpec): { root: Node; inputs: Variable[]; loss?: LossGraph } {
  const { output, logit, variables } = modelGraph(spec);
  const variable = (name: string): Variable => {
    let v = variables.get(name);
    if (v === undefined) {
      v = new Variable(Number.NaN, name);
      variables.set(name, v);
    }
    return v;
  };
  const inputs = spec.inputs.map(variable);
  if (spec.loss === undefined) return { root: output, inputs };
  const { kind, label, weight } = spec.loss;
  const loss = withLoss(kind, output, logit, variable(label), weight === undefined ? undefined : variable(weight));
  return { root: loss.loss, inputs, loss };
}

function lossTape(spec: TapeSpec): Tape {
  const { root, inputs, loss } = compile(spec);
  const differentiated = spec.differentiate?.map((k) => inputs[k]!);
  return new Tape(root, inputs, loss === undefined ? [] : [loss.prediction], differentiated);
}

function curvatureTape(spec: TapeSpec): Tape {
  const { inputs, loss } = compile(spec);
  if (loss === undefined) throw new Error('curvature needs a loss');
  return new Tape(loss.curvature.at, inputs, [loss.curvature.scale], inputs.slice(inputs.length - spec.params.length));
}

function compiledFor(spec: TapeSpec): Compiled {
  const key = JSON.stringify({
    model: spec.model,
    loss: spec.loss,
    inputs: spec.inputs,
    differentiate: spec.differentiate,
  });
  let entry = compiled.get(key);
  if (entry === undefined) {
    entry = { tape: lossTape(spec), curvature: undefined, paramColumns: [], filledWith: undefined };
    compiled.set(key, entry);
  }
  return entry;
}

export interface ModelRun {
  /** The model's values per row: f (for bce the predicted probability sigmoid(z)), or softmax's p_<class>. */
  readonly predictions: readonly Float64Array[];
  /** The loss per row, when the job has one. */
  readonly loss: Float64Array | undefined;
  /** One column per tape input, in `spec.inputs` order. The columns are views the next run reuses. */
  readonly gradients: readonly Float64Array[];
}

const sameValues = (a: readonly number[] | undefined, b: readonly number[]): boolean =>
  a !== undefined && a.length === b.length && a.every((x, k) => Object.is(x, b[k]));

/** The tape's input columns: those read from the rows, then the parameters as constant columns. */
function tapeInputs(entry: Compiled, spec: TapeSpec, columns: readonly Float64Array[], rows: number): Float64Array[] {
  if (spec.params.length > 0) {
    const capacity = entry.paramColumns[0]?.length ?? 0;
    if (capacity < rows || !sameValues(entry.filledWith, spec.params)) {
      const size = Math.max(rows, capacity);
      entry.paramColumns = spec.params.map((value) => new Float64Array(size).fill(value));
      entry.filledWith = spec.params;
    }
  }
  return [...columns, ...entry.paramColumns];
}

/** The tape over `rows` rows: `columns` are the inputs read from the rows, the parameters are added here. */
export function runModel(spec: TapeSpec, columns: readonly Float64Array[], rows: number): ModelRun {
  if (spec.model.kind === 'softmax') {
    const run = runSoftmax(spec, columns, rows);
    return { predictions: run.probabilities, loss: run.loss, gradients: run.gradients };
  }
  const entry = compiledFor(spec);
  const result = entry.tape.run(tapeInputs(entry, spec, columns, rows), rows);
  return spec.loss === undefined
    ? { predictions: [result.value], loss: undefined, gradients: result.gradients }
    : { predictions: [result.extras[0]!], loss: result.value, gradients: result.gradients };
}

/** A row's curvature as Σ over parameter pairs (a, b) of scaleOf(a, b)·J_a·J_b. */
export interface CurvatureRun {
  /** One column per parameter in the tape's order: du/dθ (x̃ for softmax). Views the next run reuses. */
  readonly jacobian: readonly Float64Array[];
  /** l''(u) times the row's weight: one column for every pair, but for softmax's class blocks. */
  readonly scaleOf: (a: number, b: number) => Float64Array;
}

/** Per row, the loss's curvature along its inner node u and u's gradient with respect to the parameters. */
export function runCurvature(spec: TapeSpec, columns: readonly Float64Array[], rows: number): CurvatureRun {
  if (spec.model.kind === 'softmax') return softmaxCurvature(spec, columns, rows);
  if (hasLinearCurvature(spec)) return linearCurvature(spec, columns, rows);
  const entry = compiledFor(spec);
  entry.curvature ??= curvatureTape(spec);
  const result = entry.curvature.run(tapeInputs(entry, spec, columns, rows), rows);
  const scale = result.extras[0]!;
  return { scaleOf: () => scale, jacobian: result.gradients.slice(spec.inputs.length - spec.params.length) };
}

/** A run's output columns in the job's one output order (summedColumnNames): the prediction, the loss, then the gradients written. */
export function outputColumns(run: ModelRun, gradientOrder: readonly number[]): Float64Array[] {
  return [...run.predictions, ...(run.loss ? [run.loss] : []), ...gradientOrder.map((k) => run.gradients[k]!)];
}
