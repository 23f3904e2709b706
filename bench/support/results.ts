/**
 * Where a bench writes its results: $BENCH_RESULTS, or bench/results/tmp/ (ignored by git), so that a run
 * never rewrites the recorded results that docs/performance.md quotes. To record a run:
 * `BENCH_RESULTS=bench/results npm run bench`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function resultsFolder(): string {
  const folder =
    process.env.BENCH_RESULTS !== undefined && process.env.BENCH_RESULTS !== ''
      ? resolve(process.env.BENCH_RESULTS)
      : join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'bench', 'results', 'tmp');
  mkdirSync(folder, { recursive: true });
  return folder;
}
