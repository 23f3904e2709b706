// A data pipeline step: CSV file -> csv-parse -> batch-grad -> JSON Lines file.
// Usage: node examples/csv-pipeline.mjs [input.csv] [output.jsonl] (by default the package's data/sample.csv)
// csv-parse comes with batch-grad; nothing else is needed.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { gradStream } from 'batch-grad';
import { parse } from 'csv-parse';

const [input = fileURLToPath(new URL('../data/sample.csv', import.meta.url)), output = 'grads.jsonl'] =
  process.argv.slice(2);

// Records in (objects keyed by the header), result records out, in input order, on all cores.
const grads = gradStream({ keep: ['id'] });
async function* jsonLines(records) {
  for await (const record of records) yield `${JSON.stringify(record)}\n`;
}
await pipeline(createReadStream(input), parse({ columns: true }), grads, jsonLines, createWriteStream(output));

const { rows, columns } = await grads.summary;
console.log(`${rows.written} rows written to ${output}; mean df/db = ${columns.df_db.mean}`);
