/**
 * Rewrites numerically fragile sub-graphs into stable ops, keeping every other node (and every Variable)
 * as it was. The forms, each the same function computed without its weakness:
 *
 *   1/(1+exp(-z))  -> sigmoid(z)     exp(-z) overflows for z < -709.78 and backward then gives NaN
 *   log(1+exp(x))  -> softplus(x)    exp(x) overflows for x > 709.78
 *   log(1+x)       -> log1p(x)       1+x rounds away x's digits for small x
 *   exp(x)-1       -> expm1(x)       the subtraction cancels for small x
 *   log(sigmoid(z)) -> logsigmoid(z) sigmoid rounds to 0 or 1 in its tails, and log of that is -Inf or 0
 *   sqrt(x^2+y^2)  -> hypot(x, y)    the squares overflow or underflow
 *
 * Forms are matched on the graph as already rewritten below them, so log(1/(1+exp(-z))) becomes
 * logsigmoid(z).
 */
import { Constant, type Node, OpNode, Sigmoid } from './graph.js';

const isConstant = (node: Node | undefined, value: number): boolean =>
  node instanceof Constant && node.constant === value;

const isOp = (node: Node | undefined, op: string): node is OpNode => node instanceof OpNode && node.op === op;

/** z when `node` is -z written any usual way: neg(z), z*(-1), (-1)*z, 0-z. */
function negated(node: Node | undefined): Node | undefined {
  if (isOp(node, 'neg')) return node.inputs[0];
  if (isOp(node, 'mul')) {
    const [a, b] = node.inputs;
    if (isConstant(b, -1)) return a;
    if (isConstant(a, -1)) return b;
  }
  if (isOp(node, 'sub') && isConstant(node.inputs[0], 0)) return node.inputs[1];
  return undefined;
}

/** x when `node` is 1/x: inv(x) or 1/x. */
function reciprocalOf(node: Node): Node | undefined {
  if (isOp(node, 'inv')) return node.inputs[0];
  if (isOp(node, 'div') && isConstant(node.inputs[0], 1)) return node.inputs[1];
  return undefined;
}

/** m when `node` is 1 + exp(m) or exp(m) + 1. */
function onePlusExpOf(node: Node | undefined): Node | undefined {
  if (!isOp(node, 'add')) return undefined;
  const [a, b] = node.inputs;
  const expNode = isConstant(a, 1) ? b : isConstant(b, 1) ? a : undefined;
  return isOp(expNode, 'exp') ? expNode.inputs[0] : undefined;
}

/** z when `node` is 1/(1+exp(-z)) in any of the spellings above. */
export function logisticArgument(node: Node): Node | undefined {
  const denominator = reciprocalOf(node);
  return denominator === undefined ? undefined : negated(onePlusExpOf(denominator));
}

/** x when `node` is 1 + x or x + 1. */
function onePlus(node: Node | undefined): Node | undefined {
  if (!isOp(node, 'add')) return undefined;
  const [a, b] = node.inputs;
  return isConstant(a, 1) ? b : isConstant(b, 1) ? a : undefined;
}

/** x when `node` is x^2 or x*x. */
function squareOf(node: Node | undefined): Node | undefined {
  if (isOp(node, 'pow') && node.param === 2) return node.inputs[0];
  if (isOp(node, 'mul') && node.inputs[0] === node.inputs[1]) return node.inputs[0];
  return undefined;
}

/** The stable op computing what `node` computes, if `node` is one of the fragile forms. */
function stableForm(node: Node): Node | undefined {
  const z = logisticArgument(node);
  if (z !== undefined) return new Sigmoid(z);
  if (isOp(node, 'log')) {
    const inner = node.inputs[0];
    const x = onePlus(inner);
    if (isOp(x, 'exp')) return new OpNode('softplus', [x.inputs[0]!]);
    if (x !== undefined) return new OpNode('log1p', [x]);
    if (isOp(inner, 'log1p') && isOp(inner.inputs[0], 'exp'))
      return new OpNode('softplus', [inner.inputs[0].inputs[0]!]);
    if (isOp(inner, 'sigmoid')) return new OpNode('logsigmoid', [inner.inputs[0]!]);
  }
  if (isOp(node, 'sub') && isConstant(node.inputs[1], 1) && isOp(node.inputs[0], 'exp'))
    return new OpNode('expm1', [node.inputs[0].inputs[0]!]);
  if (isOp(node, 'sqrt') && isOp(node.inputs[0], 'add')) {
    const [a, b] = node.inputs[0].inputs;
    const x = squareOf(a);
    const y = squareOf(b);
    if (x !== undefined && y !== undefined) return new OpNode('hypot', [x, y]);
  }
  return undefined;
}

/** A graph computing the same function as `root`, with its fragile forms replaced by stable ops. */
export function withStableForms(root: Node): Node {
  const rewritten = new Map<Node, Node>();
  const current = (node: Node): Node => rewritten.get(node) ?? node;
  for (const node of root.order()) {
    let now = node;
    if (node instanceof OpNode && node.inputs.some((input) => current(input) !== input)) {
      now = new OpNode(node.op, node.inputs.map(current), node.param);
    }
    now = stableForm(now) ?? now;
    if (now !== node) rewritten.set(node, now);
  }
  return current(root);
}
