/**
 * A job's model compiled to a tape, once per model per thread (compiling builds a function; reuse it),
 * and run over a batch of rows with the parameters supplied as constant columns. The parameters' values
 * are not part of the compiled tape, so a fit that changes them every pass compiles once.
 */
import { compileFormula } from '../../core/formula.js';
import { type Node, Variable } from '../../core/graph.js';
import { featureModel, logisticModel } from '../../core/logistic.js';
import { withLoss } from '../../core/loss.js';
import { Tape } from '../../core/tape.js';
import type { TapeSpec } from './job.js';

interface Compiled {
  readonly tape: Tape;
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
  const logistic = logisticModel(model.features);
  // The stable form's sigmoid node; its operand is the logit.
  return {
    output: logistic.output,
    logit: logistic.output.inputs[0]!,
    variables: new Map(logistic.inputs.map((v) => [v.name, v])),
  };
}

function compile(spec: TapeSpec): Tape {
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
  if (spec.loss === undefined) return new Tape(output, inputs);
  const { kind, label, weight } = spec.loss;
  const graph = withLoss(kind, output, logit, variable(label), weight === undefined ? undefined : variable(weight));
  return new Tape(graph.loss, inputs, [graph.prediction]);
}

function compiledFor(spec: TapeSpec): Compiled {
  const key = JSON.stringify({ model: spec.model, loss: spec.loss, inputs: spec.inputs });
  let entry = compiled.get(key);
  if (entry === undefined) {
    entry = { tape: compile(spec), paramColumns: [], filledWith: undefined };
    compiled.set(key, entry);
  }
  return entry;
}

export interface ModelRun {
  /** The model's value per row: f, or for bce the predicted probability sigmoid(z). */
  readonly prediction: Float64Array;
  /** The loss per row, when the job has one. */
  readonly loss: Float64Array | undefined;
  /** One column per tape input, in `spec.inputs` order. The columns are views the next run reuses. */
  readonly gradients: readonly Float64Array[];
}

const sameValues = (a: readonly number[] | undefined, b: readonly number[]): boolean =>
  a !== undefined && a.length === b.length && a.every((x, k) => Object.is(x, b[k]));

/** The tape over `rows` rows: `columns` are the inputs read from the rows, the parameters are added here. */
export function runModel(spec: TapeSpec, columns: readonly Float64Array[], rows: number): ModelRun {
  const entry = compiledFor(spec);
  if (spec.params.length > 0) {
    const capacity = entry.paramColumns[0]?.length ?? 0;
    if (capacity < rows || !sameValues(entry.filledWith, spec.params)) {
      const size = Math.max(rows, capacity);
      entry.paramColumns = spec.params.map((value) => new Float64Array(size).fill(value));
      entry.filledWith = spec.params;
    }
  }
  const result = entry.tape.run([...columns, ...entry.paramColumns], rows);
  return spec.loss === undefined
    ? { prediction: result.value, loss: undefined, gradients: result.gradients }
    : { prediction: result.extras[0]!, loss: result.value, gradients: result.gradients };
}

/** A run's output columns in the job's one output order (summedColumnNames): the prediction, the loss, then the gradients written. */
export function outputColumns(run: ModelRun, gradientOrder: readonly number[]): Float64Array[] {
  return [run.prediction, ...(run.loss ? [run.loss] : []), ...gradientOrder.map((k) => run.gradients[k]!)];
}
