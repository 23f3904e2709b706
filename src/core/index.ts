export * from './graph.js';
export { OPS, OP_NAMES, type OpName, type OpRule } from './ops.js';
export { Tape, compileTape, type TapeResult, type Instruction } from './tape.js';
export { compileFormula, FORMULA_FUNCTIONS, type Formula } from './formula.js';
export { logisticModel, logisticInputNames, featureModel, weightName, type LogisticModel, type FeatureModel } from './logistic.js';
export { withLoss, LOSSES, type LossKind, type LossGraph } from './loss.js';
export { withStableForms, logisticArgument } from './stable-forms.js';
export { topologicalOrder } from './topo.js';
