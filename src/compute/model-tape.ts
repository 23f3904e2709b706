/** A job's model compiled to a tape, once per model per thread (compiling builds a function; reuse it). */
import { compileFormula } from '../core/formula.js';
import { logisticModel } from '../core/logistic.js';
import { Tape } from '../core/tape.js';
import type { ModelSpec } from './job.js';

const compiled = new Map<string, Tape>();

export function modelTape(model: ModelSpec): Tape {
  const key = JSON.stringify(model);
  let tape = compiled.get(key);
  if (tape === undefined) {
    if (model.kind === 'logistic') {
      const logistic = logisticModel(model.features);
      tape = new Tape(logistic.output, logistic.inputs);
    } else {
      const formula = compileFormula(model.text);
      tape = new Tape(formula.output, formula.inputs);
    }
    compiled.set(key, tape);
  }
  return tape;
}
