/**
 * Baseline: the same job in DuckDB, as a user would write it: read the CSV, compute the closed form, write CSV.
 * Usage: node dist/bench/baselines/duckdb-job.js <input> <output> <features> [threads]
 */
import { runClosedForm } from './duckdb-closed-form.js';

await runClosedForm({
  name: 'duckdb-job',
  read: (input, n) => {
    const range = Array.from({ length: n }, (_, i) => i + 1);
    const types = ['id', ...range.map((i) => `w${i}`), ...range.map((i) => `x${i}`), 'b']
      .map((column) => `'${column}': '${column === 'id' ? 'BIGINT' : 'DOUBLE'}'`)
      .join(', ');
    return `read_csv('${input}', header = true, columns = {${types}})`;
  },
  write: (output) => `'${output}' (HEADER, DELIMITER ',')`,
});
