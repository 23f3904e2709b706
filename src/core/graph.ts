/**
 * The notebook's graph model, made correct: `Variable`, constants and op nodes with `forward()` and
 * `backward(dout)`. Unlike the notebook, each node is evaluated once per pass (not once per path), and
 * backward runs once over a topological order and *adds* every contribution, so a node used by several
 * parents gets the sum of their gradients (f = w*x1 + w*x2 gives dw = x1 + x2, not x2).
 */
import { OPS, type OpName, type OpRule } from './ops.js';
import { topologicalOrder } from './topo.js';

let nextId = 0;

export abstract class Node {
  /** Set by the last forward pass. */
  value = Number.NaN;
  /** d(root)/d(this node), set by the last backward pass from a root that uses this node. */
  grad = 0;
  readonly id = nextId++;
  abstract readonly inputs: readonly Node[];
  private cachedOrder: Node[] | undefined;

  /** The notebook reads gradients as `.grads`; kept as an alias of `grad`. */
  get grads(): number {
    return this.grad;
  }

  /** Recompute this node's value from its inputs' values (which must be current). */
  protected abstract evaluate(): void;

  /** Add this node's contributions to its inputs' gradients, given its own gradient. */
  protected abstract propagate(): void;

  /** The nodes this one depends on, itself last; computed once, as the graph below a node never changes. */
  order(): readonly Node[] {
    this.cachedOrder ??= topologicalOrder<Node>(this);
    return this.cachedOrder;
  }

  /** Evaluate every node below this one once, in order, and return this node's value. */
  forward(): number {
    for (const node of this.order()) node.evaluate();
    return this.value;
  }

  /** Reverse sweep from this node: zero all gradients, seed with `dout`, accumulate into inputs. */
  backward(dout = 1): void {
    const order = this.order();
    for (const node of order) node.grad = 0;
    this.grad = dout;
    for (let i = order.length - 1; i >= 0; i--) order[i]!.propagate();
  }
}

/** A named input. Its value is set by the caller (or by a tape column). */
export class Variable extends Node {
  readonly inputs: readonly Node[] = [];
  readonly name: string;
  constructor(value = Number.NaN, name?: string) {
    super();
    this.value = value;
    this.name = name ?? `v${this.id}`;
  }
  protected evaluate(): void {}
  protected propagate(): void {}
}

export class Constant extends Node {
  readonly inputs: readonly Node[] = [];
  constructor(readonly constant: number) {
    super();
    this.value = constant;
  }
  protected evaluate(): void {
    this.value = this.constant;
  }
  protected propagate(): void {}
}

/** A node computed by one rule of the op table; its two local gradient rules come from there too. */
export class OpNode extends Node {
  readonly rule: OpRule;
  readonly inputs: readonly Node[];
  /** A unary op's constant parameter (pow's exponent); 0 otherwise. */
  readonly param: number;

  constructor(op: OpName, inputs: readonly Node[], param = 0) {
    super();
    this.rule = OPS[op];
    if (inputs.length !== this.rule.arity) {
      throw new Error(`${op} takes ${this.rule.arity} operand(s), got ${inputs.length}`);
    }
    this.inputs = inputs;
    this.param = param;
  }

  get op(): OpName {
    return this.rule.name as OpName;
  }

  private operands(): [number, number] {
    const [a, b] = this.inputs;
    return [a!.value, b === undefined ? this.param : b.value];
  }

  protected evaluate(): void {
    const [a, b] = this.operands();
    this.value = this.rule.value(a, b);
  }

  protected propagate(): void {
    const [a, b] = this.operands();
    const [inA, inB] = this.inputs;
    inA!.grad += this.rule.gradA(a, b, this.value, this.grad);
    if (inB !== undefined) inB.grad += this.rule.gradB!(a, b, this.value, this.grad);
  }
}

// The notebook's node types, and the rest of the op table, as named classes.
export class Add extends OpNode {
  constructor(a: Node, b: Node) {
    super('add', [a, b]);
  }
}
export class Sub extends OpNode {
  constructor(a: Node, b: Node) {
    super('sub', [a, b]);
  }
}
export class Mul extends OpNode {
  constructor(a: Node, b: Node) {
    super('mul', [a, b]);
  }
}
export class Div extends OpNode {
  constructor(a: Node, b: Node) {
    super('div', [a, b]);
  }
}
export class Neg extends OpNode {
  constructor(a: Node) {
    super('neg', [a]);
  }
}
export class Inv extends OpNode {
  constructor(a: Node) {
    super('inv', [a]);
  }
}
export class Exp extends OpNode {
  constructor(a: Node) {
    super('exp', [a]);
  }
}
export class Log extends OpNode {
  constructor(a: Node) {
    super('log', [a]);
  }
}
export class Sqrt extends OpNode {
  constructor(a: Node) {
    super('sqrt', [a]);
  }
}
export class Abs extends OpNode {
  constructor(a: Node) {
    super('abs', [a]);
  }
}
export class Sin extends OpNode {
  constructor(a: Node) {
    super('sin', [a]);
  }
}
export class Cos extends OpNode {
  constructor(a: Node) {
    super('cos', [a]);
  }
}
export class Tanh extends OpNode {
  constructor(a: Node) {
    super('tanh', [a]);
  }
}
export class Sigmoid extends OpNode {
  constructor(a: Node) {
    super('sigmoid', [a]);
  }
}
export class Pow extends OpNode {
  constructor(a: Node, exponent: number) {
    super('pow', [a], exponent);
  }
}

/** The variables a graph reads, in the order they are first reached (left to right). */
export function variablesOf(root: Node): Variable[] {
  return root.order().filter((node): node is Variable => node instanceof Variable);
}
