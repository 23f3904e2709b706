/**
 * Test-only fault injection, so the end-to-end tests can prove what happens when a worker fails mid-run
 * with the real CLI and real threads. Inert unless BATCH_GRAD_TEST_FAULT is set:
 *   throw:<seq>  the worker throws while processing chunk <seq>
 *   exit:<seq>   the worker thread exits abruptly while processing chunk <seq>
 */
export function injectedFault(seq: number): void {
  const spec = process.env.BATCH_GRAD_TEST_FAULT;
  if (spec === undefined) return;
  const [kind, at] = spec.split(':');
  if (Number(at) !== seq) return;
  if (kind === 'throw') throw new Error(`injected fault in chunk ${seq}`);
  if (kind === 'exit') process.exit(70);
}
