/**
 * batch-grad's CPU per row against a native reference (bench/native/logistic-job.cpp, C++17 from_chars and
 * to_chars, built here with the system's g++), and against Polars streaming: the same job on the bench's
 * narrow and wide files at two sizes, in turns, median of 5. The difference between the sizes is the cost
 * per row beyond start-up; what a run costs beyond that is its fixed cost.
 * Usage: node dist/bench/native.js [--quick]
 *
 * CPU is the process's user + system time, read with bash's `times` after the run (no /usr/bin/time needed).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGeneratedCsv } from '../test/support/generate.js';
import { installPolars } from './baselines/polars.js';
import { DATASETS } from './support/datasets.js';
import { highWaterMark, median } from './support/measure.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../src/cli/batch-grad.js');
const POLARS = here('./baselines/polars-job.js');
// dist/bench/native.js -> the source beside the TypeScript one
const SOURCE = here('../../bench/native/logistic-job.cpp');

interface Measured {
  readonly wall: number;
  readonly cpu: number;
  readonly peakMiB: number;
}

/** One run of `command` under bash, which reports its children's CPU with `times`. */
function run(command: readonly string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', '"$@" > /dev/null || exit 1; times', 'run', ...command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    // The peak of the tool's own process: bash's only child.
    const poll = setInterval(() => {
      const children = readChildren(child.pid!);
      for (const pid of children) peak = Math.max(peak, highWaterMark(pid) ?? 0);
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${command.join(' ')} failed (${code}): ${stderr}`));
      // The second line of `times`: the children's user and system time, as "0m1.234s 0m0.123s".
      const line = stdout.trim().split('\n')[1] ?? '';
      const seconds = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve({ wall, cpu: seconds.reduce((a, b) => a + b, 0), peakMiB: peak / 2 ** 20 });
    });
  });
}

/** A process's children, from /proc (no process spawned to ask). */
function readChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Each command RUNS times, in turns, from no output in place (removed untimed; bench/run-all.ts says why). */
async function inTurns(commands: ReadonlyArray<readonly string[]>, output: string): Promise<Measured[]> {
  const results: Measured[][] = commands.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, command] of commands.entries()) {
      rmSync(output, { force: true });
      results[k]!.push(await run(command));
    }
  }
  return results.map((r) => ({
    wall: median(r.map((x) => x.wall)),
    cpu: median(r.map((x) => x.cpu)),
    peakMiB: median(r.map((x) => x.peakMiB)),
  }));
}

const folder = mkdtempSync(join(tmpdir(), 'batch-grad-native-'));
try {
  const native = join(folder, 'logistic-job');
  execFileSync('g++', ['-O2', '-std=c++17', '-pthread', SOURCE, '-o', native]);
  installPolars();
  const out = join(folder, 'out.csv');
  const tools: Array<[string, (input: string, features: number) => string[]]> = [
    ['batch-grad', (input) => [process.execPath, CLI, input, '--out', out, '--threads', '2']],
    ['native (C++17)', (input) => [native, input, out, '2']],
    ['Polars streaming', (input, features) => [process.execPath, POLARS, input, out, String(features), '2']],
  ];
  const lines: string[] = [
    '| file | tool | wall s (small) | CPU-s (small) | wall s (4x) | CPU-s (4x) | CPU-s per 1M rows beyond start-up | fixed CPU-s | peak MiB (4x) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const name of ['narrow', 'wide'] as const) {
    const rows = DATASETS[name].rows / (quick ? 10 : 1);
    const features = DATASETS[name].features;
    const small = join(folder, `${name}.csv`);
    const large = join(folder, `${name}-4x.csv`);
    await writeGeneratedCsv(small, { ...DATASETS[name], rows });
    await writeGeneratedCsv(large, { ...DATASETS[name], rows: 4 * rows });
    const smallRuns = await inTurns(
      tools.map(([, command]) => command(small, features)),
      out,
    );
    const largeRuns = await inTurns(
      tools.map(([, command]) => command(large, features)),
      out,
    );
    for (const [k, [tool]] of tools.entries()) {
      const s = smallRuns[k]!;
      const l = largeRuns[k]!;
      const perMillion = ((l.cpu - s.cpu) / (3 * rows)) * 1e6;
      const fixed = s.cpu - (perMillion * rows) / 1e6;
      lines.push(
        `| ${name} ${rows.toLocaleString('en')} / ${(4 * rows).toLocaleString('en')} rows | ${tool} | ${s.wall.toFixed(3)} | ${s.cpu.toFixed(2)} | ${l.wall.toFixed(3)} | ${l.cpu.toFixed(2)} | ${perMillion.toFixed(3)} | ${fixed.toFixed(2)} | ${l.peakMiB.toFixed(0)} |`,
      );
      process.stderr.write(`${lines.at(-1)}\n`);
    }
    rmSync(large);
  }
  console.log(lines.join('\n'));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
