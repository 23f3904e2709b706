/** Which format a path is, by its extension (`.gz` around a text format), unless --from/--to says. */
import { statSync } from 'node:fs';
import { FORMATS, type Format, isTextFormat } from '../../compute/formats.js';
import { invalid } from './checks.js';

const BY_EXTENSION: ReadonlyArray<[RegExp, Format]> = [
  [/\.csv$/i, 'csv'],
  [/\.(tsv|tab)$/i, 'tsv'],
  [/\.(jsonl|ndjson)$/i, 'jsonl'],
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.(arrow|feather|ipc)$/i, 'arrow'],
  [/\.arrows$/i, 'arrows'],
];

/** The extensions above, for messages. */
const KNOWN_EXTENSIONS =
  '.csv, .tsv, .tab, .jsonl, .ndjson, .parquet, .pq, .arrow, .feather, .ipc, .arrows (each text one also with .gz)';

/** A named pipe, a device or a socket already at `path`: its name says nothing about a format. */
const isDevice = (path: string): boolean => {
  const found = statSync(path, { throwIfNoEntry: false });
  return found !== undefined && !found.isFile() && !found.isDirectory();
};

/**
 * The format of `path` for `option` (from or to): the override when given, else the extension; stdin and
 * stdout default to CSV. Arrow on stdin or stdout is the stream format (a file format needs to seek).
 */
export function formatOf(option: 'from' | 'to', path: string, override: unknown): Format {
  if (override !== undefined && !(FORMATS as readonly unknown[]).includes(override))
    invalid(option, FORMATS.join(', '), override);
  const bare = path.replace(/\.gz$/i, '');
  const byExtension = BY_EXTENSION.find(([pattern]) => pattern.test(bare))?.[1];
  // An output named grads.xlsx would otherwise be CSV under a name that says it is not; a name with no
  // extension (/dev/null, a pipe) is CSV.
  const extension = /\.([^./\\]+)$/.exec(bare)?.[1];
  if (
    option === 'to' &&
    override === undefined &&
    byExtension === undefined &&
    extension !== undefined &&
    path !== '-' &&
    !isDevice(path)
  ) {
    invalid(
      'to',
      `a format for ${path}, whose extension ".${extension}" names none (known: ${KNOWN_EXTENSIONS})`,
      path,
    );
  }
  const chosen = (override as Format | undefined) ?? byExtension ?? 'csv';
  const compressed = /\.gz$/i.test(path);
  if (compressed && !isTextFormat(chosen))
    invalid(option, `a text format inside .gz (csv, tsv, jsonl), not ${chosen}`, path);
  return path === '-' && chosen === 'arrow' ? 'arrows' : chosen;
}
