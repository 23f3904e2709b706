/** Anything with inputs can be ordered: graph nodes here, but the function knows nothing else of them. */
export interface HasInputs<T> {
  readonly inputs: readonly T[];
}

/**
 * Every node reachable from `root`, each exactly once, inputs before the nodes that use them.
 *
 * Iterative depth-first post-order with an explicit stack, so a graph thousands of levels deep cannot
 * overflow the call stack, and a node shared by many paths is visited once: linear in nodes + edges.
 */
export function topologicalOrder<T extends HasInputs<T>>(root: T): T[] {
  const order: T[] = [];
  const done = new Set<T>();
  const entered = new Set<T>();
  // Each frame is a node and the index of the next input to visit.
  const stack: Array<{ node: T; next: number }> = [{ node: root, next: 0 }];
  entered.add(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const input = frame.node.inputs[frame.next];
    if (input === undefined) {
      stack.pop();
      done.add(frame.node);
      order.push(frame.node);
      continue;
    }
    frame.next++;
    if (done.has(input)) continue;
    if (entered.has(input)) throw new Error('the graph has a cycle');
    entered.add(input);
    stack.push({ node: input, next: 0 });
  }
  return order;
}
