/**
 * node dist/bench/formats.js [--quick]: batch-grad on Parquet and JSON Lines, against DuckDB and Polars doing the same
 * Parquet job and against batch-grad's own CSV job on the same rows, 2 threads, tools in turns (median of
 * 5, 3 with --quick). Also a 10x larger Parquet file's peak memory against the 1x file's, and the narrow
 * Parquet job run again and again on one engine in this process (a library user's warm threads). The inputs are
 * the bench's narrow and wide datasets, converted by DuckDB (Parquet: SNAPPY, its default row groups).
 * Writes (to $BENCH_RESULTS, else bench/results/tmp/) formats.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEngine } from '../src/index.js';
import { writeGeneratedCsv } from '../test/support/generate.js';
import { installPolars } from './baselines/polars.js';
import { DATASETS } from './support/datasets.js';
import { measureProcess, median } from './support/measure.js';
import { resultsFolder } from './support/results.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../src/cli/batch-grad.js');
const DUCKDB = here('./baselines/duckdb-parquet-job.js');
const POLARS = here('./baselines/polars-job.js');
const RESULTS = resultsFolder();
const folder = mkdtempSync(join(tmpdir(), 'batch-grad-formats-'));
const at = (name: string): string => join(folder, name);

async function turns(commands: string[][]): Promise<Array<{ seconds: number; peakMiB: number }>> {
  const runs = commands.map(() => [] as Array<{ seconds: number; peak: number }>);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, command] of commands.entries()) {
      const result = await measureProcess(process.execPath, command);
      if (result.code !== 0) throw new Error(`${command.join(' ')}: ${result.stderr}`);
      runs[k]!.push({ seconds: result.seconds, peak: result.peakRssBytes });
    }
  }
  return runs.map((r) => ({
    seconds: median(r.map((x) => x.seconds)),
    peakMiB: median(r.map((x) => x.peak)) / 2 ** 20,
  }));
}

installPolars();
try {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const table: Array<Record<string, string | number>> = [];
  const results: Record<string, unknown> = {};
  for (const name of ['narrow', 'wide'] as const) {
    const dataset = { ...DATASETS[name], rows: DATASETS[name].rows / (quick ? 10 : 1) };
    await writeGeneratedCsv(at(`${name}.csv`), dataset);
    await db.run(
      `COPY (SELECT * FROM read_csv('${at(`${name}.csv`)}')) TO '${at(`${name}.parquet`)}' (FORMAT parquet, COMPRESSION snappy)`,
    );
    await db.run(`COPY (SELECT * FROM read_csv('${at(`${name}.csv`)}')) TO '${at(`${name}.jsonl`)}' (FORMAT json)`);
    const job = (input: string, output: string): string[] => [CLI, at(input), '-o', at(output), '--threads', '2'];
    const [parquet, duckdb, polars, csv, jsonl] = await turns([
      job(`${name}.parquet`, 'out.parquet'),
      [DUCKDB, at(`${name}.parquet`), at('duck.parquet'), String(dataset.features), '2'],
      [POLARS, at(`${name}.parquet`), at('polars.parquet'), String(dataset.features), '2'],
      job(`${name}.csv`, 'out.csv'),
      job(`${name}.jsonl`, 'out.jsonl'),
    ]);
    const rate = (seconds: number): number => Math.round(dataset.rows / seconds);
    for (const [tool, m] of [
      ['batch-grad Parquet -> Parquet', parquet],
      ['DuckDB Parquet -> Parquet', duckdb],
      ['Polars 0.25.2 streaming Parquet -> Parquet', polars],
      ['batch-grad CSV -> CSV', csv],
      ['batch-grad JSON Lines -> JSON Lines', jsonl],
    ] as const) {
      table.push({
        dataset: `${name} (${dataset.rows.toLocaleString('en')} rows, n=${dataset.features})`,
        tool,
        seconds: Number(m!.seconds.toFixed(3)),
        'rows/s': rate(m!.seconds),
        'peak RSS MiB': Math.round(m!.peakMiB),
      });
    }
    results[name] = {
      rows: dataset.rows,
      parquet,
      duckdb,
      polars,
      csv,
      jsonl,
      parquetOverDuckdb: duckdb!.seconds / parquet!.seconds,
      parquetOverPolars: polars!.seconds / parquet!.seconds,
      parquetOverCsv: csv!.seconds / parquet!.seconds,
      jsonlOverCsv: csv!.seconds / jsonl!.seconds,
    };
  }
  // Flat memory: the narrow file ten times over, against the 1x file, same command.
  await db.run(
    `COPY (SELECT * FROM read_parquet(['${at('narrow.parquet')}'${`, '${at('narrow.parquet')}'`.repeat(9)}])) TO '${at('narrow10.parquet')}' (FORMAT parquet, COMPRESSION snappy)`,
  );
  const [one, ten] = await turns([
    [CLI, at('narrow.parquet'), '-o', at('m1.parquet'), '--threads', '2'],
    [CLI, at('narrow10.parquet'), '-o', at('m10.parquet'), '--threads', '2'],
  ]);
  results.memory = { oneX: one, tenX: ten, ratio: ten!.peakMiB / one!.peakMiB };

  // A library user's jobs on one engine: the first starts the threads and warms them, the next do not.
  const engine = createEngine({ threads: 2 });
  const warm: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await engine.runFile({ input: at('narrow.parquet'), output: at(`warm${i}.parquet`) });
      warm.push((performance.now() - started) / 1000);
    }
  } finally {
    await engine.close();
  }
  results.warmEngine = { seconds: warm, laterOverFirst: median(warm.slice(1)) / warm[0]! };

  const columns = Object.keys(table[0]!);
  console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
  for (const row of table) console.log(`| ${columns.map((c) => row[c]).join(' | ')} |`);
  for (const name of ['narrow', 'wide']) {
    const r = results[name] as {
      parquetOverDuckdb: number;
      parquetOverPolars: number;
      parquetOverCsv: number;
      jsonlOverCsv: number;
    };
    console.log(
      `${name}: Parquet job / DuckDB ${r.parquetOverDuckdb.toFixed(2)}x, / Polars ${r.parquetOverPolars.toFixed(2)}x, / CSV job ${r.parquetOverCsv.toFixed(2)}x; JSON Lines job / CSV job ${r.jsonlOverCsv.toFixed(2)}x`,
    );
  }
  console.log(
    `10x Parquet file: peak RSS ${ten!.peakMiB.toFixed(0)} MiB against ${one!.peakMiB.toFixed(0)} MiB (${(ten!.peakMiB / one!.peakMiB).toFixed(2)}x)`,
  );
  console.log(
    `one engine, the narrow Parquet job ${RUNS} times in one process: ${warm.map((t) => t.toFixed(3)).join(', ')} s`,
  );
  writeFileSync(
    join(RESULTS, quick ? 'formats-quick.json' : 'formats.json'),
    `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, results }, null, 2)}\n`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
