/**
 * Two builds of batch-grad timed in turns in one process: processChunk on the same 400k-row n=2 chunk,
 * A, B, B, A, ... twelve times each, the first two of each dropped, then the medians. Steadier than two
 * separate runs on a noisy machine; the README's "per chunk, in turns" figures come from it.
 *
 * Usage: build each version (e.g. `git stash && npm run build && cp -r dist /tmp/before && git stash pop
 * && npm run build`), then `node dist/bench/compare-builds.js /tmp/before dist`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateCsv } from './generate.js';
import { median } from './support/measure.js';

const ROWS = 400_000;
const [before, after] = process.argv.slice(2);
if (before === undefined || after === undefined) {
  console.error('usage: node dist/bench/compare-builds.js <dist folder A> <dist folder B>');
  process.exit(2);
}

const [headerLine, ...rest] = [...generateCsv({ rows: ROWS, features: 2, seed: 11 })].join('').split(/\n(.*)/s);
const body = Buffer.from(rest.join(''));

/** processChunk from one build's dist folder, bound to the generated chunk. */
async function chunkRunner(dist: string): Promise<() => void> {
  const load = (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(resolve(dist, path)).href);
  const { processChunk } = (await load('src/compute/process-chunk.js')) as typeof import('../src/compute/process-chunk.js');
  const { resolveJob } = (await load('src/compute/resolve-job.js')) as typeof import('../src/compute/resolve-job.js');
  const job = resolveJob(headerLine!.split(','), { keep: [], delimiter: ',', onError: 'fail', file: 'bench', collectRejects: false });
  return () => void processChunk(job, { seq: 0, bytes: body, firstLine: 2 });
}

const runs = { A: await chunkRunner(before), B: await chunkRunner(after) };
const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
for (let round = 0; round < 12; round++) {
  for (const build of round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
    const start = performance.now();
    runs[build]();
    times[build].push(performance.now() - start);
  }
}
const a = median(times.A.slice(2));
const b = median(times.B.slice(2));
const perRow = (ms: number): string => ((ms * 1e6) / ROWS).toFixed(0);
console.log(`A (${before}) ${perRow(a)} ns a row, B (${after}) ${perRow(b)} ns a row: B/A ${(b / a).toFixed(3)}`);
