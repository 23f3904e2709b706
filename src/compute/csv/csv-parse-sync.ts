/**
 * csv-parse, loaded on first use instead of at start-up: most inputs never need it (the plain-chunk parser
 * reads unquoted CSV), and a small run should cost little more than starting Node (the load time is in
 * docs/performance.md). It ships a CommonJS build, so `require` loads it synchronously where it is needed.
 */
import { createRequire } from 'node:module';
import type { parse as CsvParseSync } from 'csv-parse/sync';

const require = createRequire(import.meta.url);

let csvParse: typeof CsvParseSync | undefined;

export function csvParseSync(): typeof CsvParseSync {
  csvParse ??= (require('csv-parse/sync') as { parse: typeof CsvParseSync }).parse;
  return csvParse;
}
