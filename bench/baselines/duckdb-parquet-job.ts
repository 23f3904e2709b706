/**
 * Baseline: the benchmark's job in DuckDB on Parquet, as a user would write it: read_parquet, compute the
 * closed form, COPY to Parquet (SNAPPY, DuckDB's default).
 * Usage: node dist/bench/baselines/duckdb-parquet-job.js <input.parquet> <output.parquet> <features> [threads]
 */
import { runClosedForm } from './duckdb-closed-form.js';

await runClosedForm({
  name: 'duckdb-parquet-job',
  read: (input) => `read_parquet('${input}')`,
  write: (output) => `'${output}' (FORMAT parquet, COMPRESSION snappy)`,
});
