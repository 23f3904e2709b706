/** npm run gen -- --rows N --features n [--seed S] [--out file.csv]: a generated dataset (stdout if no --out). */
import { parseArgs } from 'node:util';
import { generateCsv, writeGeneratedCsv } from './generate.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    features: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const options = { rows: Number(values.rows), features: Number(values.features), seed: Number(values.seed) };
for (const [name, value] of Object.entries(options)) {
  if (!Number.isInteger(value) || value < (name === 'rows' ? 0 : 1)) {
    process.stderr.write(`gen: --${name} needs a whole number; got ${JSON.stringify((values as Record<string, unknown>)[name])}\n`);
    process.exit(2);
  }
}
if (values.out === undefined) {
  for (const piece of generateCsv(options)) process.stdout.write(piece);
} else {
  await writeGeneratedCsv(values.out, options);
}
