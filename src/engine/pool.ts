/** The worker pool: real threads running the compiled worker file. */
import type { Piscina } from 'piscina';
import { builtFile } from '../built-file.js';

/** The compiled worker's entry, dist/workers/thread-entry.cjs (see built-file.ts for how it is found). */
function workerFile(): string {
  return builtFile(import.meta.url, 'workers/thread-entry.cjs', 'the worker');
}

/**
 * The workers' young generation, in MiB. V8 grows it while a thread allocates steadily, so without a cap
 * peak memory rises with the input's size (docs/performance.md). The workers keep little alive between
 * chunks, so a small young generation costs no throughput and keeps memory flat.
 */
const WORKER_YOUNG_GENERATION_MB = 3;

/** piscina is imported here, on first use: a run that fits in one chunk never starts a thread. */
export async function createPool(threads: number): Promise<Piscina> {
  const { Piscina } = await import('piscina');
  return new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    // Idle workers stay for the whole run; the pool is destroyed when the run ends.
    idleTimeout: 60_000,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    // Nothing reads the pool's run and wait time histograms: recording them is per-task work for nothing.
    recordTiming: false,
  });
}
