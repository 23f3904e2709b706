/**
 * Baseline: the benchmark's job in DuckDB on Parquet, as a user would write it: read_parquet, compute the
 * closed form (z = w.x + b, f = 1/(1+exp(-z)), df/dw_i = f(1-f)x_i, df/dx_i = f(1-f)w_i, df/db = f(1-f)),
 * COPY to Parquet (SNAPPY, DuckDB's default).
 * Usage: node dist/bench/baselines/duckdb-parquet-job.js <input.parquet> <output.parquet> <features> [threads]
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, featuresText, threads = '2'] = process.argv.slice(2);
const n = Number(featuresText);
if (!input || !output || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: duckdb-parquet-job <input.parquet> <output.parquet> <features> [threads]\n');
  process.exit(2);
}
const range = Array.from({ length: n }, (_, i) => i + 1);
const z = [...range.map((i) => `w${i}*x${i}`), 'b'].join(' + ');
const gradients = [...range.map((i) => `f*(1-f)*x${i} AS df_dw${i}`), ...range.map((i) => `f*(1-f)*w${i} AS df_dx${i}`), 'f*(1-f) AS df_db'];
const sql = `COPY (
  WITH logits AS (SELECT *, ${z} AS z FROM read_parquet('${input}')),
       values AS (SELECT *, 1/(1+exp(-z)) AS f FROM logits)
  SELECT f, ${gradients.join(', ')} FROM values
) TO '${output}' (FORMAT parquet, COMPRESSION snappy)`;

const instance = await DuckDBInstance.create(':memory:', { threads });
const connection = await instance.connect();
await connection.run(sql);
connection.closeSync();
instance.closeSync();
