/**
 * Detach one throwaway ArrayBuffer before any hot code is optimized.
 *
 * V8 optimizes typed-array code on the assumption that no ArrayBuffer in the thread has ever been
 * detached, and the first detach (here: the first result transferred back to the coordinator) throws
 * away every optimized function that relied on it. On a worker that was all of the hot code at once,
 * parser, writer, tape and sums, compiled a second time on V8's background threads while the chunks
 * waited: `node --trace-deopt` shows the mass deoptimization ("code dependencies") after the first task.
 * Detaching a buffer at start-up makes the code compiled later already account for detaching. (Loading
 * the numbers module now does it too: its memory's first growth detaches the empty buffer it started
 * with. This stays, so that the guarantee does not hang on how that module is loaded.)
 * bench/worker-jit.ts checks it; the gain is in docs/performance.md.
 */
export function detachEarly(): void {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
}
