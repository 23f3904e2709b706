/**
 * Two builds of batch-grad timed in turns in one process: A, B, B, A, ... Steadier than two separate runs
 * on a noisy machine; the README's "in turns" figures come from it.
 *
 * Per chunk: processChunk on the same 400k-row n=2 chunk, twelve times each, the first two dropped, then
 * the medians. Usage: build each version (e.g. `git stash && npm run build && cp -r dist /tmp/before &&
 * git stash pop && npm run build`), then `node dist/bench/compare-builds.js /tmp/before dist`.
 *
 * Whole runs: `node dist/bench/compare-builds.js --whole narrow|wide [--parquet] <dist A> <dist B>` runs each
 * build's CLI on the bench's narrow or wide file (2 threads; with --parquet, the file converted to Parquet by
 * DuckDB and written as Parquet), seven times each in turns, and prints the median wall time and peak memory. A CLI needs its checkout around it (node_modules, package.json), so each dist
 * folder must be a built checkout's own: for the old version, e.g. `git worktree add /tmp/before <commit>
 * && cd /tmp/before && npm ci && npm run build`, then compare /tmp/before/dist with dist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generatedChunk, writeGeneratedCsv } from '../test/support/generate.js';
import { DATASETS, type DatasetName } from './support/datasets.js';
import { measureProcess, median } from './support/measure.js';

const CHUNK_ROWS = 400_000;
const WHOLE_RUNS = 7;

const args = process.argv.slice(2).filter((arg) => arg !== '--parquet');
const parquet = process.argv.includes('--parquet');
const whole = args[0] === '--whole' ? (args[1] as DatasetName) : undefined;
const [before, after] = whole === undefined ? args : args.slice(2);
if (before === undefined || after === undefined || (whole !== undefined && !(whole in DATASETS))) {
  console.error(
    'usage: node dist/bench/compare-builds.js [--whole narrow|wide [--parquet]] <dist folder A> <dist folder B>',
  );
  process.exit(2);
}

/** Runs `measure` for A and B in turns, `rounds` times each; returns each one's measurements. */
async function inTurns<T>(rounds: number, measure: (build: 'A' | 'B') => Promise<T>): Promise<Record<'A' | 'B', T[]>> {
  const results: Record<'A' | 'B', T[]> = { A: [], B: [] };
  for (let round = 0; round < rounds; round++) {
    for (const build of round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const))
      results[build].push(await measure(build));
  }
  return results;
}

async function perChunk(): Promise<void> {
  const { header, body } = generatedChunk({ rows: CHUNK_ROWS, features: 2, seed: 11 });
  /** processChunk from one build's dist folder, bound to the generated chunk. */
  const chunkRunner = async (dist: string): Promise<() => void> => {
    const load = (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(resolve(dist, path)).href);
    const { processChunk } = (await load(
      'src/compute/csv/process-chunk.js',
    )) as typeof import('../src/compute/csv/process-chunk.js');
    const { resolveJob } = (await load(
      'src/compute/job/resolve-job.js',
    )) as typeof import('../src/compute/job/resolve-job.js');
    const job = resolveJob(header, { keep: [], delimiter: ',', onError: 'fail', file: 'bench', collectRejects: false });
    return () => void processChunk(job, { seq: 0, bytes: body, firstLine: 2 });
  };
  const runs = { A: await chunkRunner(before!), B: await chunkRunner(after!) };
  const times = await inTurns(12, async (build) => {
    const start = performance.now();
    runs[build]();
    return performance.now() - start;
  });
  const a = median(times.A.slice(2));
  const b = median(times.B.slice(2));
  const perRow = (ms: number): string => ((ms * 1e6) / CHUNK_ROWS).toFixed(0);
  console.log(`A (${before}) ${perRow(a)} ns a row, B (${after}) ${perRow(b)} ns a row: B/A ${(b / a).toFixed(3)}`);
}

async function wholeRuns(name: DatasetName): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'batch-grad-compare-'));
  try {
    const csv = join(folder, `${name}.csv`);
    await writeGeneratedCsv(csv, DATASETS[name]);
    const input = parquet ? join(folder, `${name}.parquet`) : csv;
    if (parquet) {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await (await DuckDBInstance.create(':memory:')).connect();
      await db.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${input}' (FORMAT parquet, COMPRESSION snappy)`);
      db.closeSync();
    }
    const out = join(folder, parquet ? 'out.parquet' : 'out.csv');
    const cli = { A: resolve(before!, 'src/cli/batch-grad.js'), B: resolve(after!, 'src/cli/batch-grad.js') };
    const runs = await inTurns(WHOLE_RUNS, async (build) => {
      const result = await measureProcess(process.execPath, [cli[build], input, '--out', out, '--threads', '2']);
      if (result.code !== 0) throw new Error(`${cli[build]} failed (${result.code}): ${result.stderr}`);
      return result;
    });
    const seconds = (build: 'A' | 'B'): number => median(runs[build].map((r) => r.seconds));
    const mib = (build: 'A' | 'B'): string => (median(runs[build].map((r) => r.peakRssBytes)) / 2 ** 20).toFixed(0);
    console.log(
      `${name}${parquet ? ' Parquet' : ' CSV'}, 2 threads, median of ${WHOLE_RUNS} in turns: A (${before}) ${seconds('A').toFixed(3)} s, ${mib('A')} MiB; ` +
        `B (${after}) ${seconds('B').toFixed(3)} s, ${mib('B')} MiB: B/A ${(seconds('B') / seconds('A')).toFixed(3)}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (whole === undefined) await perChunk();
else await wholeRuns(whole);
