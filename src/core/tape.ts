/**
 * A graph compiled once into a flat program over numbered slots, run forward and backward over a whole
 * batch of rows held as Float64Array columns.
 *
 * The program (`instructions`) is plain data in topological order. To run it, it is lowered once into one
 * JavaScript function whose loop body is the whole program for one row: forward, then the reverse sweep,
 * with every slot a local variable. Each op is called through its own parameter, so every call site sees
 * one function and V8 inlines it: several times faster than running the instructions one column at a time
 * through shared kernels (bench/tape.ts). No user text reaches the generated source:
 * it names only slot numbers, and constants are passed in as values.
 *
 * The instructions call the same op rules as the node-by-node evaluation (graph.ts) and add gradient
 * contributions in the same order, so the results are equal to the bit.
 */
import { Constant, type Node, OpNode, Variable, variablesOf } from './graph.js';
import { OPS, type OpName } from './ops.js';

export interface Instruction {
  readonly op: OpName;
  readonly out: number;
  readonly a: number;
  /** Slot of the second operand, or -1 for a unary op (whose parameter is then `param`). */
  readonly b: number;
  readonly param: number;
}

export interface TapeResult {
  /** Number of rows computed. */
  readonly rows: number;
  /** The output value per row. */
  readonly value: Float64Array;
  /** d(output)/d(input) per row, one column per input, in `tape.inputs` order (zeros for an input not differentiated). */
  readonly gradients: readonly Float64Array[];
  /** The values of the tape's extra outputs per row (e.g. a model's value beside its loss), in order. */
  readonly extras: readonly Float64Array[];
}

type Kernel = (
  inputs: readonly Float64Array[],
  value: Float64Array,
  gradients: readonly Float64Array[],
  extras: readonly Float64Array[],
  rows: number,
) => void;

export class Tape {
  /** Input names, in the order `run` takes their columns. */
  readonly inputs: readonly string[];
  readonly instructions: readonly Instruction[];
  /** Slot k holds input k; constants and op results follow. */
  readonly constants: ReadonlyArray<{ readonly slot: number; readonly value: number }>;
  readonly rootSlot: number;
  /** Slots whose values are also returned, one column each: nodes the root need not depend on. */
  readonly extraSlots: readonly number[];
  /** How many instructions (from the start) the root depends on: only they are swept backward. */
  readonly rootInstructions: number;
  /** Whether each input's gradient is computed. */
  readonly differentiated: readonly boolean[];
  readonly slotCount: number;
  private readonly kernel: Kernel;
  private capacity = 0;
  private valueColumn = new Float64Array(0);
  private gradientColumns: Float64Array[] = [];
  private extraColumns: Float64Array[] = [];

  /**
   * `extras` are further nodes whose values are wanted per row; they are evaluated after the root's own
   * nodes and take no part in the backward sweep, so they cannot change a gradient. With `gradientsOf`,
   * only those inputs' gradients are computed (the sweep skips what reaches only the others).
   */
  constructor(
    root: Node,
    inputs: readonly Variable[] = variablesOf(root),
    extras: readonly Node[] = [],
    gradientsOf?: readonly Variable[],
  ) {
    const names = inputs.map((v) => v.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate !== undefined) throw new Error(`two inputs are named "${duplicate}"`);
    this.inputs = names;
    this.differentiated = inputs.map((v) => gradientsOf === undefined || gradientsOf.includes(v));
    // One (empty) gradient column per input from the start, so that a run of 0 rows returns them too.
    this.gradientColumns = names.map(() => new Float64Array(0));

    const slotOf = new Map<Node, number>();
    const slot = (node: Node): number => {
      let s = slotOf.get(node);
      if (s === undefined) {
        s = slotOf.size;
        slotOf.set(node, s);
      }
      return s;
    };
    // Inputs first, so an input the graph never reads still has a (zero) gradient column.
    inputs.forEach(slot);
    const instructions: Instruction[] = [];
    const constants: Array<{ slot: number; value: number }> = [];
    const rootOrder = root.order();
    const inRoot = new Set<Node>(rootOrder);
    const extraOrder = extras.flatMap((extra) => extra.order().filter((node) => !inRoot.has(node)));
    let rootInstructions = 0;
    for (const [k, node] of [...rootOrder, ...new Set(extraOrder)].entries()) {
      if (node instanceof OpNode) {
        if (k < rootOrder.length) rootInstructions++;
        const [a, b] = node.inputs;
        instructions.push({
          op: node.op,
          out: slot(node),
          a: slot(a!),
          b: b === undefined ? -1 : slot(b),
          param: node.param,
        });
      } else if (node instanceof Constant) {
        constants.push({ slot: slot(node), value: node.constant });
      } else if (node instanceof Variable && !slotOf.has(node)) {
        throw new Error(`the graph reads "${node.name}", which is not among the tape's inputs`);
      }
    }
    this.instructions = instructions;
    this.constants = constants;
    this.rootSlot = slot(root);
    this.extraSlots = extras.map(slot);
    this.rootInstructions = rootInstructions;
    this.slotCount = slotOf.size;
    this.kernel = lower(this);
  }

  /**
   * Value and gradients for `rows` rows; `columns[k]` holds input k (length >= rows). The returned
   * columns are views into buffers this tape reuses: read or copy them before the next `run`.
   */
  run(columns: readonly Float64Array[], rows: number): TapeResult {
    if (columns.length !== this.inputs.length) {
      throw new Error(`the tape takes ${this.inputs.length} input columns, got ${columns.length}`);
    }
    columns.forEach((column, k) => {
      if (column.length < rows)
        throw new Error(`input column ${this.inputs[k]} has ${column.length} rows, expected ${rows}`);
    });
    if (rows > this.capacity) {
      this.capacity = Math.max(rows, this.capacity * 2);
      this.valueColumn = new Float64Array(this.capacity);
      this.gradientColumns = this.inputs.map(() => new Float64Array(this.capacity));
      this.extraColumns = this.extraSlots.map(() => new Float64Array(this.capacity));
    }
    this.kernel(columns, this.valueColumn, this.gradientColumns, this.extraColumns, rows);
    return {
      rows,
      value: this.valueColumn.subarray(0, rows),
      gradients: this.gradientColumns.map((column) => column.subarray(0, rows)),
      extras: this.extraColumns.map((column) => column.subarray(0, rows)),
    };
  }
}

/** Which slots' gradients can reach an input: the reverse sweep computes no others. */
function slotsNeedingGradient(tape: Tape): boolean[] {
  const needs = new Array<boolean>(tape.slotCount).fill(false);
  for (let k = 0; k < tape.inputs.length; k++) needs[k] = tape.differentiated[k]!;
  tape.instructions.forEach((ins, k) => {
    // Only the root's own instructions are swept backward; an extra output's are forward only.
    needs[ins.out] = k < tape.rootInstructions && (needs[ins.a]! || (ins.b >= 0 && needs[ins.b]!));
  });
  return needs;
}

/** The program as one function: per row, v<slot> are values and g<slot> gradients. */
function lower(tape: Tape): Kernel {
  const ops = [...new Set(tape.instructions.map((ins) => ins.op))];
  const opParam = (op: OpName): string => `op_${op}`;
  const position = new Map(tape.instructions.map((ins, k) => [ins, k]));
  const operand = (ins: Instruction): string => (ins.b < 0 ? `P[${position.get(ins)}]` : `v${ins.b}`);
  const needs = slotsNeedingGradient(tape);
  const inputCount = tape.inputs.length;

  const head: string[] = [];
  for (let k = 0; k < inputCount; k++) head.push(`const in${k} = inputs[${k}], out${k} = gradients[${k}];`);
  for (const [k, c] of tape.constants.entries()) head.push(`const v${c.slot} = C[${k}];`);
  head.push(
    ...ops.map(
      (op) =>
        `const ${op}_value = ${opParam(op)}.value, ${op}_gradA = ${opParam(op)}.gradA, ${op}_gradB = ${opParam(op)}.gradB;`,
    ),
  );

  const body: string[] = [];
  for (let k = 0; k < inputCount; k++) body.push(`const v${k} = in${k}[i];`);
  for (const ins of tape.instructions) body.push(`const v${ins.out} = ${ins.op}_value(v${ins.a}, ${operand(ins)});`);
  for (let s = 0; s < tape.slotCount; s++) if (needs[s]) body.push(`let g${s} = ${s === tape.rootSlot ? 1 : 0};`);
  for (let k = tape.instructions.length - 1; k >= 0; k--) {
    const ins = tape.instructions[k]!;
    if (!needs[ins.out]) continue;
    const args = `v${ins.a}, ${operand(ins)}, v${ins.out}, g${ins.out}`;
    if (needs[ins.a]) body.push(`g${ins.a} += ${ins.op}_gradA(${args});`);
    if (ins.b >= 0 && needs[ins.b]) body.push(`g${ins.b} += ${ins.op}_gradB(${args});`);
  }
  body.push(`value[i] = v${tape.rootSlot};`);
  for (const [k, s] of tape.extraSlots.entries()) body.push(`extras[${k}][i] = v${s};`);
  for (let k = 0; k < inputCount; k++) if (needs[k]) body.push(`out${k}[i] = g${k};`);

  const source = `${head.join('\n')}\nfor (let i = 0; i < rows; i++) {\n${body.join('\n')}\n}`;
  const params = tape.instructions.map((ins) => ins.param);
  const constants = tape.constants.map((c) => c.value);
  const make = new Function(
    'P',
    'C',
    ...ops.map(opParam),
    `return function kernel(inputs, value, gradients, extras, rows) {\n${source}\n};`,
  );
  return make(params, constants, ...ops.map((op) => OPS[op])) as Kernel;
}

export function compileTape(root: Node, inputs?: readonly Variable[], extras?: readonly Node[]): Tape {
  return new Tape(root, inputs, extras);
}
