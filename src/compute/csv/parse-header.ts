/** The header record: parsed with csv-parse like every other record, so quoting rules are the same. */
import { isUtf8 } from 'node:buffer';
import { BatchGradError } from '../../errors.js';
import { csvParseSync } from './csv-parse-sync.js';
import { csvParseOptions } from './parse-general.js';
import { bomLength } from './record-boundary.js';

/** What the first bytes look like when they are not CSV: a hint naming the --from that reads them, or ''. */
function formatHint(bytes: Uint8Array): string {
  const start = Buffer.from(bytes.subarray(bomLength(bytes), bomLength(bytes) + 8))
    .toString('latin1')
    .trimStart();
  if (start.startsWith('{')) return '; it looks like JSON Lines: give --from jsonl';
  if (start.startsWith('PAR1'))
    return '; it looks like Parquet: give --from parquet (a Parquet file is read by its path, not from stdin)';
  if (start.startsWith('ARROW1') || (bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff))
    return '; it looks like Arrow IPC: give --from arrow or --from arrows';
  return '';
}

/** The header from the input's first record; an input without one is refused. */
export function headerOf(first: { readonly bytes: Uint8Array } | undefined, delimiter: string, file: string): string[] {
  if (first === undefined)
    throw new BatchGradError('HEADER_INVALID', `${file}: the input is empty; it needs at least a header row`, { file });
  return parseHeader(first.bytes, delimiter, file);
}

function parseHeader(bytes: Uint8Array, delimiter: string, file: string): string[] {
  if (!isUtf8(bytes) || bytes.includes(0)) {
    const hint = formatHint(bytes);
    throw new BatchGradError(
      'CSV_SYNTAX',
      `${file}:1: the header is not UTF-8 text; ${hint === '' ? 'is this a CSV file?' : hint.slice(2)}`,
      { file, line: 1 },
    );
  }
  try {
    const records = csvParseSync()(bytes, csvParseOptions(delimiter)) as string[][];
    const header = records[0];
    if (header === undefined || (header.length === 1 && header[0] === '')) {
      throw new BatchGradError('HEADER_INVALID', `${file}:1: the first line is empty; it must be the header`, {
        file,
        line: 1,
      });
    }
    return header;
  } catch (error) {
    if (error instanceof BatchGradError) throw error;
    throw new BatchGradError(
      'CSV_SYNTAX',
      `${file}:1: the header is not valid CSV: ${(error as Error).message}${formatHint(bytes)}`,
      { file, line: 1 },
    );
  }
}
