/**
 * Rewrites numerically fragile sub-graphs into stable ops, keeping every other node (and every Variable)
 * as it was. Today one form: 1/(1+exp(-z)) becomes sigmoid(z).
 *
 * Why: evaluated op by op, exp(-z) overflows to Infinity for z < -709.78; the value is then 0 as it
 * should be, but backward multiplies Inv's -0 by Exp's Infinity and every gradient becomes NaN. Well before
 * that, 1 - y loses its digits. The fused sigmoid has neither problem (see ops.ts).
 */
import { Constant, Node, OpNode, Sigmoid } from './graph.js';

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

/** A graph computing the same function as `root`, with its fragile forms replaced by stable ops. */
export function withStableForms(root: Node): Node {
  const rewritten = new Map<Node, Node>();
  const current = (node: Node): Node => rewritten.get(node) ?? node;
  for (const node of root.order()) {
    const z = logisticArgument(node);
    if (z !== undefined) {
      rewritten.set(node, new Sigmoid(current(z)));
    } else if (node instanceof OpNode && node.inputs.some((input) => current(input) !== input)) {
      rewritten.set(node, new OpNode(node.op, node.inputs.map(current), node.param));
    }
  }
  return current(root);
}
