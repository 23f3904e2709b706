/**
 * How many rows per task: times the whole CLI on one generated file (n=2) at several --batch-size values,
 * 2 threads, median of 3 runs each, in one run so the ratios are fair. Usage: node dist/bench/batch-size.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeneratedCsv } from '../test/support/generate.js';
import { measureCli, median } from './support/measure.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SIZES = [64, 256, 1024, 4096, 8192, 16384, 65536];

const folder = mkdtempSync(join(tmpdir(), 'batch-grad-bench-'));
try {
  const input = join(folder, 'input.csv');
  await writeGeneratedCsv(input, { rows: ROWS, features: 2, seed: 3 });
  console.log(`| --batch-size | seconds (median of 3) | rows/s | peak RSS MiB |`);
  console.log('|---|---|---|---|');
  for (const size of SIZES) {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await measureCli(input, join(folder, 'out.csv'), '--batch-size', `${size}`));
    }
    const seconds = median(runs.map((r) => r.seconds));
    const rss = median(runs.map((r) => r.peakRssBytes)) / 2 ** 20;
    console.log(
      `| ${size} | ${seconds.toFixed(3)} | ${Math.round(ROWS / seconds).toLocaleString('en')} | ${rss.toFixed(0)} |`,
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
