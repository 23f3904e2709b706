export { compileFormula, FORMULA_FUNCTIONS, type Formula } from './formula.js';
export * from './graph.js';
export {
  type FeatureModel,
  featureModel,
  type LogisticModel,
  logisticInputNames,
  logisticModel,
  weightName,
} from './logistic.js';
export { LOSSES, type LossGraph, type LossKind, withLoss } from './loss.js';
export { OP_NAMES, OPS, type OpName, type OpRule } from './ops.js';
export { logisticArgument, withStableForms } from './stable-forms.js';
export { compileTape, type Instruction, Tape, type TapeResult } from './tape.js';
export { topologicalOrder } from './topo.js';
