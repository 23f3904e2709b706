/**
 * Baseline: the same job in DuckDB, as a user would write it: read the CSV, compute the closed form
 * (z = w.x + b, f = 1/(1+exp(-z)), df/dw_i = f(1-f)x_i, df/dx_i = f(1-f)w_i, df/db = f(1-f)), write CSV.
 * Usage: node dist/bench/baselines/duckdb-job.js <input> <output> <features> <threads>
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, featuresText, threads = '2'] = process.argv.slice(2);
const n = Number(featuresText);
if (!input || !output || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: duckdb-job <input> <output> <features> [threads]\n');
  process.exit(2);
}
const range = Array.from({ length: n }, (_, i) => i + 1);
const types = ['id', ...range.map((i) => `w${i}`), ...range.map((i) => `x${i}`), 'b']
  .map((name) => `'${name}': '${name === 'id' ? 'BIGINT' : 'DOUBLE'}'`).join(', ');
const z = [...range.map((i) => `w${i}*x${i}`), 'b'].join(' + ');
const gradients = [...range.map((i) => `f*(1-f)*x${i} AS df_dw${i}`), ...range.map((i) => `f*(1-f)*w${i} AS df_dx${i}`), 'f*(1-f) AS df_db'];
const sql = `COPY (
  WITH logits AS (SELECT *, ${z} AS z FROM read_csv('${input}', header = true, columns = {${types}})),
       values AS (SELECT *, 1/(1+exp(-z)) AS f FROM logits)
  SELECT f, ${gradients.join(', ')} FROM values
) TO '${output}' (HEADER, DELIMITER ',')`;

const instance = await DuckDBInstance.create(':memory:', { threads });
const connection = await instance.connect();
await connection.run(sql);
connection.closeSync();
instance.closeSync();
