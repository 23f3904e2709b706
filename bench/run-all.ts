/**
 * npm run bench [-- --quick]: whole-process throughput of batch-grad against its baselines (DuckDB, Polars
 * streaming, the notebook's way), in one run, on datasets generated here (never committed), and against
 * Polars on files of ten times the rows. Prints a markdown table, writes (to $BENCH_RESULTS, else bench/results/tmp/) latest.json
 * and bench/results/latest.svg, then runs bench/formats.ts (Parquet and JSON Lines). Every figure is a median of several runs, the compared tools taking turns;
 * compare ratios, not seconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGeneratedCsv } from '../test/support/generate.js';
import { installPolars } from './baselines/polars.js';
import { throughputChart } from './support/chart.js';
import { DATASETS } from './support/datasets.js';
import { measureProcess, median, type ProcessMeasurement } from './support/measure.js';
import { resultsFolder } from './support/results.js';
import { runTapeBenchmark } from './tape.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../src/cli/batch-grad.js');
const DUCKDB = here('./baselines/duckdb-job.js');
const POLARS = here('./baselines/polars-job.js');
const NOTEBOOK = here('./baselines/notebook-way.js');
const RESULTS = resultsFolder();

interface Dataset {
  readonly name: string;
  readonly rows: number;
  readonly features: number;
  readonly seed: number;
  path: string;
  bytes: number;
}
interface Row {
  readonly dataset: string;
  readonly tool: string;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly mbPerSecond: number;
  readonly peakRssMiB: number;
}

// The quick mode's files are ten times smaller.
const datasets: Dataset[] = (['narrow', 'wide'] as const).map((name) => ({
  ...DATASETS[name],
  name,
  rows: DATASETS[name].rows / (quick ? 10 : 1),
  path: '',
  bytes: 0,
}));

const folder = mkdtempSync(join(tmpdir(), 'batch-grad-bench-'));
const node = process.execPath;

async function timed(command: string[], runs = RUNS): Promise<{ seconds: number; peakRss: number }> {
  return (await interleaved([command], runs))[0]!;
}

/**
 * Each command `runs` times, taking turns (A B C, A B C, ...), then each one's medians. Taking turns keeps
 * a slow spell of the machine from landing on one tool only, so the ratios between tools stay fair.
 */
async function interleaved(commands: string[][], runs = RUNS): Promise<Array<{ seconds: number; peakRss: number }>> {
  return (await interleavedRuns(commands, runs)).map((r) => ({ seconds: r.seconds, peakRss: r.peakRssBytes }));
}

/**
 * interleaved's medians, as measurements. The shared output is removed before each run (untimed): a tool
 * that replaces a file keeps the old one until it is done (batch-grad, so that a failed run loses nothing),
 * and with gigabytes of another tool's output still unwritten the kernel starts writing it out during the
 * run (docs/performance.md); each run then starts from the same state, with no output in place.
 */
async function interleavedRuns(commands: string[][], runs: number): Promise<ProcessMeasurement[]> {
  const results: ProcessMeasurement[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, command] of commands.entries()) {
      rmSync(join(folder, 'out.csv'), { force: true });
      const result = await measureProcess(node, command);
      if (result.code !== 0) throw new Error(`${command.join(' ')} failed (${result.code}): ${result.stderr}`);
      results[k]!.push(result);
    }
  }
  return results.map((r) => ({
    seconds: median(r.map((x) => x.seconds)),
    peakRssBytes: median(r.map((x) => x.peakRssBytes)),
    code: 0,
    stderr: '',
  }));
}

installPolars();
try {
  const rows: Row[] = [];
  for (const dataset of datasets) {
    dataset.path = join(folder, `${dataset.name}.csv`);
    await writeGeneratedCsv(dataset.path, dataset);
    dataset.bytes = statSync(dataset.path).size;
    const out = join(folder, 'out.csv');
    const compared: Array<[string, string[]]> = [
      ['batch-grad, 2 threads', [CLI, dataset.path, '--out', out, '--threads', '2']],
      ['batch-grad, 1 thread', [CLI, dataset.path, '--out', out, '--threads', '1']],
      ['DuckDB 1.5, 2 threads', [DUCKDB, dataset.path, out, String(dataset.features), '2']],
      ['Polars 0.25.2 streaming, 2 threads', [POLARS, dataset.path, out, String(dataset.features), '2']],
    ];
    // The notebook way takes 8-9 s a run: fewer runs, on their own.
    const notebook: [string, string[]] = ['notebook way (csv-parse, graph per row)', [NOTEBOOK, dataset.path, out]];
    const measured = [
      ...(await interleaved(compared.map(([, command]) => command))),
      await timed(notebook[1], quick ? RUNS : 3),
    ];
    for (const [k, [tool]] of [...compared, notebook].entries()) {
      const { seconds, peakRss } = measured[k]!;
      rows.push({
        dataset: dataset.name,
        tool,
        seconds,
        rowsPerSecond: dataset.rows / seconds,
        mbPerSecond: dataset.bytes / 1e6 / seconds,
        peakRssMiB: peakRss / 2 ** 20,
      });
      process.stderr.write(`${dataset.name}: ${tool}: ${seconds.toFixed(3)} s\n`);
    }
  }

  // Ten times the rows, batch-grad and Polars in turns (3 runs): the throughput at 10M narrow rows, and
  // flat memory (the peak within 10% of the 1x file's).
  const large: Array<{ name: string; rows: number; batchGrad: ProcessMeasurement; polars: ProcessMeasurement }> = [];
  for (const dataset of datasets) {
    const path = join(folder, `${dataset.name}-10x.csv`);
    const rows = dataset.rows * 10;
    await writeGeneratedCsv(path, { rows, features: dataset.features, seed: 2 });
    const out = join(folder, 'out.csv');
    const [batchGrad, polars] = await interleavedRuns(
      [
        [CLI, path, '--out', out, '--threads', '2'],
        [POLARS, path, out, String(dataset.features), '2'],
      ],
      3,
    );
    large.push({ name: dataset.name, rows, batchGrad: batchGrad!, polars: polars! });
    process.stderr.write(
      `${dataset.name} x10: batch-grad ${batchGrad!.seconds.toFixed(3)} s, Polars ${polars!.seconds.toFixed(3)} s\n`,
    );
    rmSync(path);
  }
  const largeRun = { seconds: large[0]!.batchGrad.seconds, peakRss: large[0]!.batchGrad.peakRssBytes };
  const largeRows = large[0]!.rows;

  // Start-up: a 10-row input against `node -e 0`.
  const tiny = join(folder, 'tiny.csv');
  await writeGeneratedCsv(tiny, { rows: 10, features: 2, seed: 3 });
  const startRuns = await interleaved(
    [
      ['-e', '0'],
      [CLI, tiny, '--out', join(folder, 'out.csv')],
    ],
    9,
  );
  const nodeStart = startRuns[0]!;
  const tinyRun = startRuns[1]!;

  const tape = runTapeBenchmark();

  const find = (dataset: string, prefix: string): Row =>
    rows.find((r) => r.dataset === dataset && r.tool.startsWith(prefix))!;
  const ratios = datasets.map((d) => ({
    dataset: d.name,
    versusDuckDB: find(d.name, 'DuckDB').seconds / find(d.name, 'batch-grad, 2').seconds,
    versusPolars: find(d.name, 'Polars').seconds / find(d.name, 'batch-grad, 2').seconds,
    versusNotebook: find(d.name, 'notebook').seconds / find(d.name, 'batch-grad, 2').seconds,
    twoThreadsOverOne: find(d.name, 'batch-grad, 1').seconds / find(d.name, 'batch-grad, 2').seconds,
  }));
  const narrowRss = find('narrow', 'batch-grad, 2').peakRssMiB;
  const largeRssMiB = largeRun.peakRss / 2 ** 20;
  const targets = [
    ...ratios.map((r) => ({
      target: `${r.dataset}: batch-grad / DuckDB >= 1.5x`,
      value: r.versusDuckDB,
      met: r.versusDuckDB >= 1.5,
    })),
    ...ratios.map((r) => ({
      target: `${r.dataset}: batch-grad / Polars >= 1.25x`,
      value: r.versusPolars,
      met: r.versusPolars >= 1.25,
    })),
    ...ratios.map((r) => ({
      target: `${r.dataset}: batch-grad / notebook way >= 10x`,
      value: r.versusNotebook,
      met: r.versusNotebook >= 10,
    })),
    ...ratios.map((r) => ({
      target: `${r.dataset}: 2 threads / 1 thread >= 1.7x`,
      value: r.twoThreadsOverOne,
      met: r.twoThreadsOverOne >= 1.7,
    })),
    ...datasets.map((d) => {
      const rss = find(d.name, 'batch-grad, 2').peakRssMiB;
      return { target: `${d.name}: peak RSS <= 150 MiB`, value: rss, met: rss <= 150 };
    }),
    ...large.map((l) => ({
      target: `${l.name} x10 (${l.rows.toLocaleString('en')} rows): batch-grad / Polars >= 1.25x`,
      value: l.polars.seconds / l.batchGrad.seconds,
      met: l.polars.seconds / l.batchGrad.seconds >= 1.25,
    })),
    {
      target: `10x larger file (${largeRows.toLocaleString('en')} rows): peak RSS within 10% of narrow`,
      value: largeRssMiB / narrowRss,
      met: largeRssMiB <= 1.1 * narrowRss,
    },
    {
      target: '10-row input: wall time <= 3x `node -e 0`',
      value: tinyRun.seconds / nodeStart.seconds,
      met: tinyRun.seconds <= 3 * nodeStart.seconds,
    },
  ];

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpus().length} x ${cpu}, Node ${process.version}, ${quick ? 'quick mode' : 'full mode'}, median of ${RUNS} runs taken in turns (3 for the notebook way)`;
  const lines = [
    `Machine: ${machine}`,
    '',
    '| dataset | tool | seconds | rows/s | input MB/s | peak RSS MiB |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.dataset} (${datasets.find((d) => d.name === r.dataset)!.rows.toLocaleString('en')} rows, n=${datasets.find((d) => d.name === r.dataset)!.features}) | ${r.tool} | ${r.seconds.toFixed(3)} | ${Math.round(r.rowsPerSecond).toLocaleString('en')} | ${r.mbPerSecond.toFixed(1)} | ${r.peakRssMiB.toFixed(0)} |`,
    ),
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...targets.map((t) => `| ${t.target} | ${t.value.toFixed(2)} | ${t.met ? 'yes' : 'no'} |`),
    '',
    ...large.map(
      (l) =>
        `${l.name} x10 (${l.rows.toLocaleString('en')} rows): batch-grad ${l.batchGrad.seconds.toFixed(2)} s, peak RSS ${(l.batchGrad.peakRssBytes / 2 ** 20).toFixed(0)} MiB; Polars ${l.polars.seconds.toFixed(2)} s, ${(l.polars.peakRssBytes / 2 ** 20).toFixed(0)} MiB.`,
    ),
    `Start-up: node -e 0 ${(nodeStart.seconds * 1000).toFixed(0)} ms, batch-grad on 10 rows ${(tinyRun.seconds * 1000).toFixed(0)} ms.`,
    `Tape micro-benchmark (n=2, 64k-row batches, 1 thread): ${(tape.tape / 1e6).toFixed(1)} M rows/s; hand-written closed form ${(tape.closedForm / 1e6).toFixed(1)} M rows/s; ratio ${tape.ratio.toFixed(2)}.`,
  ];
  console.log(lines.join('\n'));

  const name = quick ? 'latest-quick' : 'latest';
  writeFileSync(
    join(RESULTS, `${name}.json`),
    `${JSON.stringify({ machine, date: new Date().toISOString(), datasets, rows, ratios, targets, largeRun: { rows: largeRows, seconds: largeRun.seconds, peakRssMiB: largeRssMiB }, large: large.map((l) => ({ dataset: l.name, rows: l.rows, batchGrad: { seconds: l.batchGrad.seconds, peakRssMiB: l.batchGrad.peakRssBytes / 2 ** 20 }, polars: { seconds: l.polars.seconds, peakRssMiB: l.polars.peakRssBytes / 2 ** 20 } })), startup: { node: nodeStart.seconds, tiny: tinyRun.seconds }, tape }, null, 2)}\n`,
  );
  writeFileSync(join(RESULTS, `${name}.svg`), throughputChart(rows, machine));
} finally {
  rmSync(folder, { recursive: true, force: true });
}

// The formats job (Parquet, JSON Lines) against DuckDB and the CSV job, in its own process and folder.
console.log('\nFormats (bench/formats.ts):');
const formats = spawnSync(process.execPath, [here('./formats.js'), ...(quick ? ['--quick'] : [])], {
  stdio: 'inherit',
});
if (formats.status !== 0) process.exitCode = 1;
