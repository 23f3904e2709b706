/**
 * The DuckDB baselines' shared part: argv (<input> <output> <features> [threads]), the logistic model's
 * closed form in SQL (z = w.x + b, f = 1/(1+exp(-z)), g = f(1-f), df/dw_i = g x_i, df/dx_i = g w_i,
 * df/db = g), and the run. Each baseline says only how it reads and how it writes.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface Baseline {
  readonly name: string;
  /** The SQL table expression that reads the input, for n features. */
  readonly read: (input: string, n: number) => string;
  /** The COPY target and options that write the output. */
  readonly write: (output: string) => string;
}

export async function runClosedForm({ name, read, write }: Baseline): Promise<void> {
  const [input, output, featuresText, threads = '2'] = process.argv.slice(2);
  const n = Number(featuresText);
  if (!input || !output || !Number.isInteger(n) || n < 1) {
    process.stderr.write(`usage: ${name} <input> <output> <features> [threads]\n`);
    process.exit(2);
  }
  const range = Array.from({ length: n }, (_, i) => i + 1);
  const z = [...range.map((i) => `w${i}*x${i}`), 'b'].join(' + ');
  // f(1-f) once a row, as a competent user would write it, not once a gradient column.
  const gradients = [
    ...range.map((i) => `g*x${i} AS df_dw${i}`),
    ...range.map((i) => `g*w${i} AS df_dx${i}`),
    'g AS df_db',
  ];
  const sql = `COPY (
  WITH logits AS (SELECT *, ${z} AS z FROM ${read(input, n)}),
       values AS (SELECT *, 1/(1+exp(-z)) AS f FROM logits),
       slopes AS (SELECT *, f*(1-f) AS g FROM values)
  SELECT f, ${gradients.join(', ')} FROM slopes
) TO ${write(output)}`;
  const instance = await DuckDBInstance.create(':memory:', { threads });
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}
