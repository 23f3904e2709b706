/**
 * Where a whole run's CPU goes, thread by thread, and whether the cores themselves scale. Usage:
 * node dist/bench/threads.js (BENCH_ROWS=10000000 for a longer run).
 *
 * 1. The CLI on a generated narrow file with 1 and 2 threads: each thread's CPU time, read from
 *    /proc/<pid>/task/<tid>/schedstat (nanoseconds on a CPU) every 10 ms while it runs. Node names no threads, so they are told apart
 *    by role: the coordinator is the process's first thread, the workers are the busiest of the others,
 *    and the rest are V8's compiler and GC helpers and libuv's file I/O threads.
 * 2. How many cores the whole process keeps busy, 100 ms at a time, during the 2-thread run (from the same
 *    readings): where the run is serial (start-up, the end) and where it uses both cores.
 * 3. The coordinator's young generation (V8's new space), smallest and largest seen during the 2-thread
 *    run, from v8.getHeapSpaceStatistics() in a module preloaded into the CLI (support/heap-space.ts).
 * 4. processChunk alone in 1 and in 2 worker threads at once (no coordinator, no I/O): the throughput
 *    ratio says whether two threads can run at twice the speed of one on this machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { processChunk } from '../src/compute/process-chunk.js';
import { resolveJob } from '../src/compute/resolve-job.js';
import { generatedChunk, writeGeneratedCsv } from '../test/support/generate.js';
import { DATASETS } from './support/datasets.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../src/cli/batch-grad.js');
const HEAP_SPACE = here('./support/heap-space.js');
const ROWS = Number(process.env.BENCH_ROWS ?? DATASETS.narrow.rows);

interface ThreadTimes {
  readonly coordinator: number;
  readonly workers: number[];
  readonly others: number;
  readonly newSpace: string;
  /** Cores busy in each 100 ms of the run (CPU time of all threads over wall time). */
  readonly coresBusy: number[];
}

/** Runs the CLI and returns CPU seconds by role, and the heap-space line its preloaded module printed. */
function cpuByThread(input: string, threads: number): Promise<ThreadTimes> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', HEAP_SPACE, CLI, input, '--out', join(input, '..', 'out.csv'), '--threads', String(threads)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const nanoseconds = new Map<number, number>();
    const started = performance.now();
    const totalAt: number[] = []; // all threads' CPU nanoseconds, at the end of each 100 ms of the run
    const poll = setInterval(() => {
      try {
        for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
          nanoseconds.set(Number(tid), Number(readFileSync(`/proc/${child.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
        }
      } catch {
        // The process or a thread ended between the listing and the read.
      }
      totalAt[Math.floor((performance.now() - started) / 100)] = [...nanoseconds.values()].reduce((a, b) => a + b, 0);
    }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`batch-grad exited with ${code}: ${stderr}`));
      const seconds = (tid: number): number => (nanoseconds.get(tid) ?? 0) / 1e9;
      const others = [...nanoseconds.keys()].filter((tid) => tid !== child.pid).sort((a, b) => seconds(b) - seconds(a));
      const workers = others.slice(0, threads).map(seconds);
      const rest = others.slice(threads).reduce((total, tid) => total + seconds(tid), 0);
      // CPU nanoseconds spent in each 100 ms, over 10^8 ns: cores busy. A 100 ms with no reading (a hole in
      // totalAt) counts as idle.
      let previous = 0;
      const coresBusy = Array.from(totalAt, (total = previous) => {
        const busy = (total - previous) / 1e8;
        previous = total;
        return busy;
      });
      resolve({ coordinator: seconds(child.pid!), workers, others: rest, newSpace: /new space.*/.exec(stderr)?.[0] ?? '?', coresBusy });
    });
  });
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

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'batch-grad-threads-'));
  try {
    const input = join(folder, 'narrow.csv');
    await writeGeneratedCsv(input, { ...DATASETS.narrow, rows: ROWS });
    console.log(`CPU seconds by thread, batch-grad on ${ROWS.toLocaleString('en')} rows (n=2):\n`);
    console.log('| --threads | workers | coordinator | V8 helpers and libuv I/O | all |');
    console.log('|---|---|---|---|---|');
    let newSpace = '';
    let coresBusy: number[] = [];
    for (const threads of [1, 2]) {
      const t = await cpuByThread(input, threads);
      const all = t.coordinator + t.others + t.workers.reduce((a, b) => a + b, 0);
      console.log(`| ${threads} | ${t.workers.map((w) => w.toFixed(2)).join(' + ')} | ${t.coordinator.toFixed(2)} | ${t.others.toFixed(2)} | ${all.toFixed(2)} |`);
      newSpace = t.newSpace;
      coresBusy = t.coresBusy;
    }
    console.log(`\nCores busy, 100 ms at a time (2 threads): ${coresBusy.map((c) => c.toFixed(1)).join(' ')}`);
    console.log(`The coordinator's ${newSpace} (2 threads).`);
    const [one] = await chunkLoopIn(1);
    const two = await chunkLoopIn(2);
    const ratio = (2 * one!) / Math.max(...two);
    console.log(`processChunk alone (100k-row chunk x 15): 1 thread ${one!.toFixed(0)} ms; 2 threads at once ${two.map((t) => t.toFixed(0)).join(' and ')} ms each: ${ratio.toFixed(2)}x the throughput.`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (isMainThread) await main();
else chunkLoop();
