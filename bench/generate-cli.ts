/** npm run gen -- --rows N --features n [--seed S] [--out file.csv]: a generated dataset (stdout if no --out). */
import { parseArgs } from 'node:util';
import { generateCsv, writeGeneratedCsv } from '../test/support/generate.js';

const USAGE = `usage: npm run gen -- [--rows N] [--features n] [--seed S] [--out file.csv]

A seeded dataset for the logistic model: columns id, w1..wn, x1..xn, b.
  --rows N       rows to write (default 10000)
  --features n   n, the number of features (default 2)
  --seed S       the random seed; the same seed gives the same file (default 1)
  --out FILE     where to write it (default: stdout)
`;

function fail(message: string): never {
  process.stderr.write(`gen: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: { rows: string; features: string; seed: string; out?: string | undefined; help?: boolean | undefined };
try {
  ({ values } = parseArgs({
    options: {
      rows: { type: 'string', default: '10000' },
      features: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const options = { rows: Number(values.rows), features: Number(values.features), seed: Number(values.seed) };
for (const [name, value] of Object.entries(options)) {
  if (!Number.isInteger(value) || value < (name === 'rows' ? 0 : 1)) {
    fail(`--${name} needs a whole number; got ${JSON.stringify((values as Record<string, unknown>)[name])}`);
  }
}
if (values.out === undefined) {
  for (const piece of generateCsv(options)) process.stdout.write(piece);
} else {
  await writeGeneratedCsv(values.out, options);
  process.stderr.write(
    `gen: wrote ${options.rows.toLocaleString('en')} rows (n=${options.features}, seed ${options.seed}) to ${values.out}\n`,
  );
}
