/** The worker pool: real threads running the compiled worker file. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';

/**
 * The compiled worker. From dist/src/pipeline/pool.js it is dist/workers/grad-worker.js, and so from the
 * CLI's bundle, dist/src/cli/batch-grad.js, which sits at the same depth. When this module runs from its
 * TypeScript source (under vitest), the worker is still the built one in dist/: a thread cannot load .ts
 * on Node 20, and the tests must exercise what ships.
 */
export function workerFile(): string {
  const fromHere = new URL('../../workers/grad-worker.js', import.meta.url);
  const url = import.meta.url.endsWith('.ts') ? new URL('../../dist/workers/grad-worker.js', import.meta.url) : fromHere;
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`the worker ${path} is not built; run npm run build`);
  return path;
}

/**
 * The workers' young generation, in MiB. V8 grows it while a thread allocates steadily, so over a long run
 * each worker's heap crept from 16 to 27 MiB and peak RSS rose with the input size (138 MiB on 1M rows,
 * 167 MiB on 10M, measured). The workers keep little alive between chunks, so a small young generation
 * costs no measurable throughput and keeps memory flat.
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
  });
}
