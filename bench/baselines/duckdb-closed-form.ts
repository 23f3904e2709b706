/**
 * The DuckDB baselines' shared part: argv (<input> <output> <features> [threads]), the logistic model's
 * closed form in SQL (z = w.x + b, f = 1/(1+exp(-z)), df/dw_i = f(1-f)x_i, df/dx_i = f(1-f)w_i,
 * df/db = f(1-f)), and the run. Each baseline says only how it reads and how it writes.
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
  const gradients = [
    ...range.map((i) => `f*(1-f)*x${i} AS df_dw${i}`),
    ...range.map((i) => `f*(1-f)*w${i} AS df_dx${i}`),
    'f*(1-f) AS df_db',
  ];
  const sql = `COPY (
  WITH logits AS (SELECT *, ${z} AS z FROM ${read(input, n)}),
       values AS (SELECT *, 1/(1+exp(-z)) AS f FROM logits)
  SELECT f, ${gradients.join(', ')} FROM values
) TO ${write(output)}`;
  const instance = await DuckDBInstance.create(':memory:', { threads });
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}
