/**
 * Memory under load (a program, not a test): peak RSS of whole batch-grad processes on a ~100 MB input and
 * on a ~2 GB one (flat memory means within 10%), and with stdout read by a deliberately slow consumer
 * (backpressure means no growth). `node dist/bench/memory.js [--quick]` (quick: 20 MB and 400 MB).
 * Writes (to $BENCH_RESULTS, else bench/results/tmp/) memory.json. Generating the large file takes a minute; it is deleted afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGeneratedCsv } from '../test/support/generate.js';
import { highWaterMark, measureCli } from './support/measure.js';
import { resultsFolder } from './support/results.js';

const quick = process.argv.includes('--quick');
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../src/cli/batch-grad.js');
const RESULTS = resultsFolder();
const ROWS_PER_100MB = 965_000; // n = 2 rows of the generator are about 103.6 bytes

/** Peak RSS of the CLI writing to stdout, read by a consumer that takes `bytesPerTick` every 10 ms. */
function slowConsumerPeak(input: string, bytesPerTick: number): Promise<{ peakRssBytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, input, '--out', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let peak = 0;
    const poll = setInterval(() => {
      peak = Math.max(peak, highWaterMark(child.pid!) ?? 0);
    }, 20);
    // Read in small sips: pause the pipe, resume for one chunk every tick.
    child.stdout.pause();
    const tick = setInterval(() => {
      const piece = child.stdout.read(Math.min(bytesPerTick, child.stdout.readableLength || bytesPerTick));
      if (piece === null) child.stdout.read(0);
    }, 10);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(poll);
      clearInterval(tick);
      resolve({ peakRssBytes: peak, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'batch-grad-memory-'));
try {
  const sizes = quick ? [0.2, 4] : [1, 20]; // in units of ~100 MB
  const runs: Array<{ label: string; bytes: number; peakRssMiB: number; seconds: number }> = [];
  for (const units of sizes) {
    const input = join(folder, `input-${units}.csv`);
    await writeGeneratedCsv(input, { rows: Math.round(units * ROWS_PER_100MB), features: 2, seed: 4 });
    const bytes = statSync(input).size;
    const result = await measureCli(input, join(folder, 'out.csv'));
    if (result.code !== 0) throw new Error(result.stderr);
    runs.push({
      label: `file to file, ${(bytes / 1e6).toFixed(0)} MB input`,
      bytes,
      peakRssMiB: result.peakRssBytes / 2 ** 20,
      seconds: result.seconds,
    });
    rmSync(join(folder, 'out.csv'), { force: true });
    if (units === sizes[0]) {
      const slow = await slowConsumerPeak(input, 64 * 1024);
      runs.push({
        label: `stdout to a slow reader (6.4 MB/s), ${(bytes / 1e6).toFixed(0)} MB input`,
        bytes,
        peakRssMiB: slow.peakRssBytes / 2 ** 20,
        seconds: slow.seconds,
      });
    }
    rmSync(input);
  }
  const [small, slow, large] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
  console.log('| run | seconds | peak RSS MiB |');
  console.log('|---|---|---|');
  for (const run of runs) console.log(`| ${run.label} | ${run.seconds.toFixed(1)} | ${run.peakRssMiB.toFixed(0)} |`);
  const flat = large.peakRssMiB / small.peakRssMiB;
  console.log(
    `\nlarge / small peak RSS: ${flat.toFixed(2)} (flat if <= 1.10: ${flat <= 1.1 ? 'yes' : 'no'}); slow reader / small: ${(slow.peakRssMiB / small.peakRssMiB).toFixed(2)}`,
  );
  writeFileSync(
    join(RESULTS, quick ? 'memory-quick.json' : 'memory.json'),
    `${JSON.stringify({ date: new Date().toISOString(), runs, flat }, null, 2)}\n`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
