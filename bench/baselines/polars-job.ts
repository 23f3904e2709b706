/**
 * Baseline: the same job in Polars (nodejs-polars, a Rust engine), as a user would write it: scan the input
 * (CSV as Float64 columns, or Parquet), compute the closed form as expressions (f = 1/(1+exp(-z)), g =
 * f(1-f) once a row, df/dw_i = g x_i, df/dx_i = g w_i, df/db = g), and sink the result (CSV, or Parquet with
 * snappy) with the streaming engine.
 * Usage: node dist/bench/baselines/polars-job.js <input> <output> <features> [threads]
 * Polars is installed into bench/baselines/ by the bench (polars.ts), not by npm ci; its thread count is
 * POLARS_MAX_THREADS, read when it loads.
 */
import { loadPolars } from './polars.js';

const [input, output, featuresText, threads = '2'] = process.argv.slice(2);
const n = Number(featuresText);
if (!input || !output || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: polars-job <input> <output> <features> [threads]\n');
  process.exit(2);
}
process.env.POLARS_MAX_THREADS = threads;
const pl = loadPolars();
const range = Array.from({ length: n }, (_, i) => i + 1);
const parquet = (path: string): boolean => path.endsWith('.parquet');
const schema = Object.fromEntries([
  ['id', pl.Int64],
  ...range.map((i) => [`w${i}`, pl.Float64]),
  ...range.map((i) => [`x${i}`, pl.Float64]),
  ['b', pl.Float64],
]);
const z = range.reduce((sum, i) => sum.plus(pl.col(`w${i}`).mul(pl.col(`x${i}`))), pl.col('b'));
const f = pl.lit(1).div(pl.lit(1).plus(z.mul(-1).exp()));
const result = (parquet(input) ? pl.scanParquet(input) : pl.scanCSV(input, { schema }))
  .withColumns(f.alias('f'))
  .withColumns(
    pl
      .col('f')
      .mul(pl.lit(1).minus(pl.col('f')))
      .alias('g'),
  )
  .select(
    pl.col('f'),
    ...range.map((i) =>
      pl
        .col('g')
        .mul(pl.col(`x${i}`))
        .alias(`df_dw${i}`),
    ),
    ...range.map((i) =>
      pl
        .col('g')
        .mul(pl.col(`w${i}`))
        .alias(`df_dx${i}`),
    ),
    pl.col('g').alias('df_db'),
  );
await (parquet(output) ? result.sinkParquet(output, { compression: 'snappy' }) : result.sinkCSV(output)).collect();
