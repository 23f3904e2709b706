/**
 * Where a whole run's CPU goes, thread by thread, and what that means on more cores. Usage:
 *   node dist/bench/threads.js [--cli <path to another build's dist/src/cli/batch-grad.js>] [--quick]
 *
 * Each thread's CPU time is read from /proc/<pid>/task/<tid>/schedstat (nanoseconds on a CPU) every 10 ms
 * while the process runs. Node names no threads, so they are told apart by role: the coordinator is the
 * process's first thread; the workers are the busiest of the others; Node's platform threads (V8's
 * garbage-collection and compiler helpers, and their delayed-task thread) are the first five created
 * after the main thread (Node 20 starts them before any JavaScript runs, with --v8-pool-size 4); the rest
 * are libuv's pool (file reads and writes) and Node's own small threads.
 *
 * 1. The per-thread table, 2 threads: narrow rows (10, 1M, 4M) and wide rows (200k, 800k), and the cost per
 *    1M rows beyond start-up (the difference between the two sizes).
 * 2. The helpers' share that is garbage collection: the same narrow run with --single-threaded-gc, where
 *    V8 collects on the thread that allocates instead of on its helpers.
 * 3. DuckDB's CPU on the same job (every thread of its process), per 1M narrow rows.
 * 4. A projection to 4-32 cores from those per-row costs, with its assumptions.
 * 5. processChunk alone in 1 and in 2 worker threads at once (no coordinator, no I/O): whether two threads
 *    run at twice the speed of one on this machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { processChunk } from '../src/compute/csv/process-chunk.js';
import { resolveJob } from '../src/compute/job/resolve-job.js';
import { generatedChunk, writeGeneratedCsv } from '../test/support/generate.js';
import { DATASETS } from './support/datasets.js';
import { median } from './support/measure.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const argv = process.argv.slice(2);
const CLI = argv.includes('--cli') ? argv[argv.indexOf('--cli') + 1]! : here('../src/cli/batch-grad.js');
const DUCKDB = here('./baselines/duckdb-job.js');
const SCALE = argv.includes('--quick') ? 0.25 : 1;
/** Node 20's platform: 4 V8 worker threads (--v8-pool-size) and one delayed-task scheduler. */
const PLATFORM_THREADS = 5;

interface ThreadTimes {
  readonly coordinator: number;
  readonly workers: number;
  readonly v8Helpers: number;
  readonly libuvAndOther: number;
  readonly all: number;
  readonly wall: number;
}

/** Runs a command and returns the CPU seconds of its threads by role. */
function cpuByThread(command: string, args: readonly string[], workerThreads: number): Promise<ThreadTimes> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const nanoseconds = new Map<number, number>();
    const started = performance.now();
    const poll = setInterval(() => {
      try {
        for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
          nanoseconds.set(
            Number(tid),
            Number(readFileSync(`/proc/${child.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]),
          );
        }
      } catch {
        // The process or a thread ended between the listing and the read.
      }
    }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const wall = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`));
      const seconds = (tid: number): number => (nanoseconds.get(tid) ?? 0) / 1e9;
      const others = [...nanoseconds.keys()].filter((tid) => tid !== child.pid).sort((a, b) => a - b);
      const workers = new Set([...others].sort((a, b) => seconds(b) - seconds(a)).slice(0, workerThreads));
      const rest = others.filter((tid) => !workers.has(tid));
      const platform = new Set(rest.slice(0, PLATFORM_THREADS));
      const sum = (tids: Iterable<number>): number => [...tids].reduce((total, tid) => total + seconds(tid), 0);
      const coordinator = seconds(child.pid!);
      const times = {
        coordinator,
        workers: sum(workers),
        v8Helpers: sum(platform),
        libuvAndOther: sum(rest.filter((tid) => !platform.has(tid))),
      };
      resolve({ ...times, all: coordinator + times.workers + times.v8Helpers + times.libuvAndOther, wall });
    });
  });
}

/** Each role's median over five runs: single runs vary by a tenth of a second. */
async function medianRun(run: () => Promise<ThreadTimes>): Promise<ThreadTimes> {
  const runs: ThreadTimes[] = [];
  for (let i = 0; i < 5; i++) runs.push(await run());
  const mid = (key: keyof ThreadTimes): number => median(runs.map((r) => r[key]));
  return {
    coordinator: mid('coordinator'),
    workers: mid('workers'),
    v8Helpers: mid('v8Helpers'),
    libuvAndOther: mid('libuvAndOther'),
    all: mid('all'),
    wall: mid('wall'),
  };
}

const batchGrad = (input: string, extra: readonly string[] = []): Promise<ThreadTimes> =>
  medianRun(() =>
    cpuByThread(process.execPath, [...extra, CLI, input, '--out', join(input, '..', 'out.csv'), '--threads', '2'], 2),
  );

const f2 = (x: number): string => x.toFixed(2);
const row = (label: string, t: ThreadTimes): string =>
  `| ${label} | ${f2(t.coordinator)} | ${f2(t.workers)} | ${f2(t.v8Helpers)} | ${f2(t.libuvAndOther)} | ${f2(t.all)} | ${f2(t.wall)} |`;
const minus = (a: ThreadTimes, b: ThreadTimes, per: number): ThreadTimes => ({
  coordinator: (a.coordinator - b.coordinator) / per,
  workers: (a.workers - b.workers) / per,
  v8Helpers: (a.v8Helpers - b.v8Helpers) / per,
  libuvAndOther: (a.libuvAndOther - b.libuvAndOther) / per,
  all: (a.all - b.all) / per,
  wall: (a.wall - b.wall) / per,
});

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'batch-grad-threads-'));
  try {
    const sizes = {
      narrowTiny: { ...DATASETS.narrow, rows: 10 },
      narrow1: { ...DATASETS.narrow, rows: Math.round(1_000_000 * SCALE) },
      narrow4: { ...DATASETS.narrow, rows: Math.round(4_000_000 * SCALE) },
      wide1: { ...DATASETS.wide, rows: Math.round(200_000 * SCALE) },
      wide4: { ...DATASETS.wide, rows: Math.round(800_000 * SCALE) },
    };
    const files = Object.fromEntries(Object.keys(sizes).map((name) => [name, join(folder, `${name}.csv`)])) as Record<
      keyof typeof sizes,
      string
    >;
    for (const [name, options] of Object.entries(sizes))
      await writeGeneratedCsv(files[name as keyof typeof sizes], options);
    const rows = (name: keyof typeof sizes): string => sizes[name].rows.toLocaleString('en');

    console.log(`CPU seconds by thread, ${CLI}, --threads 2 (each role's median of 5 runs):\n`);
    console.log('| rows | coordinator | workers (2) | V8 helpers | libuv pool and other | all | wall |');
    console.log('|---|---|---|---|---|---|---|');
    const t: Partial<Record<keyof typeof sizes, ThreadTimes>> = {};
    for (const name of Object.keys(sizes) as Array<keyof typeof sizes>) {
      t[name] = await batchGrad(files[name]);
      console.log(row(`${rows(name)} ${name.startsWith('wide') ? 'wide' : 'narrow'}`, t[name]!));
    }
    const narrowPer = minus(t.narrow4!, t.narrow1!, (sizes.narrow4.rows - sizes.narrow1.rows) / 1e6);
    const widePer = minus(t.wide4!, t.wide1!, (sizes.wide4.rows - sizes.wide1.rows) / 1e6);
    console.log(row('per 1M narrow rows beyond start-up', narrowPer));
    console.log(row('per 1M wide rows beyond start-up', widePer));

    const singleGc = await batchGrad(files.narrow4, ['--single-threaded-gc']);
    console.log(
      `\nV8 helpers on ${rows('narrow4')} narrow rows: ${f2(t.narrow4!.v8Helpers)} s; with --single-threaded-gc ${f2(singleGc.v8Helpers)} s` +
        ` (the difference, ${f2(t.narrow4!.v8Helpers - singleGc.v8Helpers)} s, is garbage collection; the rest is compilation and V8's other tasks).` +
        ` The libuv pool: ${f2(t.narrow4!.libuvAndOther)} s (file reads and writes).`,
    );

    const duck = async (name: 'narrow1' | 'narrow4'): Promise<ThreadTimes> =>
      medianRun(() => cpuByThread(process.execPath, [DUCKDB, files[name], join(folder, 'duck.csv'), '2', '2'], 0));
    const duck1 = await duck('narrow1');
    const duck4 = await duck('narrow4');
    const duckPer = (duck4.all - duck1.all) / ((sizes.narrow4.rows - sizes.narrow1.rows) / 1e6);
    console.log(
      `DuckDB, same job, 2 threads: ${f2(duck1.all)} CPU-s for ${rows('narrow1')} rows, ${f2(duck4.all)} for ${rows('narrow4')}: ${f2(duckPer)} CPU-s per 1M narrow rows beyond start-up.`,
    );

    // Throughput on P cores, million rows/s: every core busy with the per-row CPU of all threads, capped by
    // the one coordinator (it cannot go faster than 1/its CPU per row). DuckDB: every core at its CPU per row.
    const perRow = narrowPer.all;
    const feeds = narrowPer.coordinator > 0 ? narrowPer.workers / narrowPer.coordinator : Number.POSITIVE_INFINITY;
    console.log(
      `\nOne coordinator at ${narrowPer.coordinator.toFixed(3)} CPU-s per 1M rows keeps up with ${Number.isFinite(feeds) ? feeds.toFixed(0) : 'any number of'} workers` +
        ` (workers turn 1M rows in ${f2(narrowPer.workers)} CPU-s beyond start-up; at the issue's 1.05 CPU-s, ${(1.05 / narrowPer.coordinator).toFixed(0)}).`,
    );
    console.log('\n| cores | batch-grad (M rows/s) | limited by | DuckDB (M rows/s) | ratio |');
    console.log('|---|---|---|---|---|');
    for (const cores of [2, 4, 8, 16, 32]) {
      const byCores = cores / perRow;
      const byCoordinator = narrowPer.coordinator > 0 ? 1 / narrowPer.coordinator : Number.POSITIVE_INFINITY;
      const ours = Math.min(byCores, byCoordinator);
      const theirs = cores / duckPer;
      console.log(
        `| ${cores} | ${f2(ours)} | ${byCores <= byCoordinator ? 'cores' : 'the coordinator'} | ${f2(theirs)} | ${f2(ours / theirs)} |`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** In a worker: processChunk on a 100k-row chunk, 15 times after a warm-up; posts the milliseconds. */
function chunkLoop(): void {
  const { header, body: bytes } = generatedChunk({ rows: 100_000, features: 2, seed: 11 });
  const job = resolveJob(header, { keep: [], delimiter: ',', onError: 'fail', file: 'bench', collectRejects: false });
  for (let i = 0; i < 3; i++) processChunk(job, { seq: 0, bytes, firstLine: 2 });
  parentPort!.once('message', () => {
    const start = performance.now();
    for (let i = 0; i < 15; i++) processChunk(job, { seq: 0, bytes, firstLine: 2 });
    parentPort!.postMessage(performance.now() - start);
  });
  parentPort!.postMessage('ready');
}

/** Milliseconds each of `count` threads took for the same work, all started together once warm. */
async function chunkLoopIn(count: number): Promise<number[]> {
  const workers = Array.from({ length: count }, () => new Worker(new URL(import.meta.url)));
  const next = (worker: Worker): Promise<unknown> => new Promise((resolve) => worker.once('message', resolve));
  await Promise.all(workers.map(next));
  const done = workers.map(next);
  for (const worker of workers) worker.postMessage('go');
  const times = (await Promise.all(done)) as number[];
  await Promise.all(workers.map((worker) => worker.terminate()));
  return times;
}

async function coresScale(): Promise<void> {
  const [one] = await chunkLoopIn(1);
  const two = await chunkLoopIn(2);
  const ratio = (2 * one!) / Math.max(...two);
  console.log(
    `\nprocessChunk alone (100k-row chunk x 15): 1 thread ${one!.toFixed(0)} ms; 2 threads at once ${two.map((t) => t.toFixed(0)).join(' and ')} ms each: ${ratio.toFixed(2)}x the throughput.`,
  );
}

if (isMainThread) {
  await main();
  await coresScale();
} else {
  chunkLoop();
}
