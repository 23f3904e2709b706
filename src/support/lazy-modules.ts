/**
 * Dependencies loaded on first use instead of at start-up. A 10-row run should cost little more than
 * starting Node: measured here, importing csv-parse takes 11 ms and jsep 7 ms, while most inputs need
 * neither (the plain-chunk parser reads unquoted CSV; jsep is only for --expr). Both ship CommonJS builds,
 * so `require` loads them synchronously where the code needs them.
 */
import { createRequire } from 'node:module';
import type { parse as CsvParseSync } from 'csv-parse/sync';
import type JsepDefault from 'jsep';

const require = createRequire(import.meta.url);

let csvParse: typeof CsvParseSync | undefined;
let jsep: typeof JsepDefault | undefined;

export function csvParseSync(): typeof CsvParseSync {
  csvParse ??= (require('csv-parse/sync') as { parse: typeof CsvParseSync }).parse;
  return csvParse;
}

export function jsepParser(): typeof JsepDefault {
  if (jsep === undefined) {
    const loaded = require('jsep') as typeof JsepDefault | { default: typeof JsepDefault };
    jsep = 'default' in loaded ? loaded.default : loaded;
    // `^` means power here (not JavaScript's xor), with `**`'s precedence and right associativity.
    jsep.addBinaryOp('^', 11, true);
  }
  return jsep;
}
