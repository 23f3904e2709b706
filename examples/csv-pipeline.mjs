// A data pipeline step: CSV file -> csv-parse -> batch-grad -> csv-stringify -> CSV file.
// Usage: node examples/csv-pipeline.mjs data/sample.csv grads.csv
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { gradStream } from 'batch-grad';

const [input = 'data/sample.csv', output = 'grads.csv'] = process.argv.slice(2);

// Records in (objects keyed by the header), result records out, in input order, on all cores.
const grads = gradStream({ keep: ['id'] });
await pipeline(createReadStream(input), parse({ columns: true }), grads, stringify({ header: true }), createWriteStream(output));

const { rows, columns } = await grads.summary;
console.log(`${rows.written} rows written to ${output}; mean df/db = ${columns.df_db.mean}`);
