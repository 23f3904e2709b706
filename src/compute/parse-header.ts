/** The header record: parsed with csv-parse like every other record, so quoting rules are the same. */
import { isUtf8 } from 'node:buffer';
import { csvParseOptions } from './parse-general.js';
import { csvParseSync } from './csv-parse-sync.js';
import { BatchGradError } from '../errors.js';

export function parseHeader(bytes: Uint8Array, delimiter: string, file: string): string[] {
  if (!isUtf8(bytes) || bytes.includes(0)) {
    throw new BatchGradError('CSV_SYNTAX', `${file}:1: the header is not UTF-8 text; is this a CSV file?`, { file, line: 1 });
  }
  try {
    const records = csvParseSync()(bytes, csvParseOptions(delimiter)) as string[][];
    const header = records[0];
    if (header === undefined || (header.length === 1 && header[0] === '')) {
      throw new BatchGradError('HEADER_INVALID', `${file}:1: the first line is empty; it must be the header`, { file, line: 1 });
    }
    return header;
  } catch (error) {
    if (error instanceof BatchGradError) throw error;
    throw new BatchGradError('CSV_SYNTAX', `${file}:1: the header is not valid CSV: ${(error as Error).message}`, { file, line: 1 });
  }
}
