/** Which format a path is, by its extension (`.gz` around a text format), unless --from/--to says. */
import { FORMATS, isTextFormat, type Format } from '../compute/formats.js';
import { invalid } from './options.js';

const BY_EXTENSION: ReadonlyArray<[RegExp, Format]> = [
  [/\.csv$/i, 'csv'], [/\.(tsv|tab)$/i, 'tsv'], [/\.(jsonl|ndjson)$/i, 'jsonl'], [/\.parquet$/i, 'parquet'],
  [/\.(arrow|feather)$/i, 'arrow'], [/\.arrows$/i, 'arrows'],
];

/**
 * The format of `path` for `option` (from or to): the override when given, else the extension; stdin and
 * stdout default to CSV. Arrow on stdin or stdout is the stream format (a file format needs to seek).
 */
export function formatOf(option: 'from' | 'to', path: string, override: unknown): Format {
  if (override !== undefined && !(FORMATS as readonly unknown[]).includes(override)) invalid(option, FORMATS.join(', '), override);
  const chosen = (override as Format | undefined) ?? BY_EXTENSION.find(([pattern]) => pattern.test(path.replace(/\.gz$/i, '')))?.[1] ?? 'csv';
  const compressed = /\.gz$/i.test(path);
  if (compressed && !isTextFormat(chosen)) invalid(option, `a text format inside .gz (csv, tsv, jsonl), not ${chosen}`, path);
  return path === '-' && chosen === 'arrow' ? 'arrows' : chosen;
}
