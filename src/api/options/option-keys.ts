/**
 * The library's option vocabulary, one list an entry point: a key that no entry point takes, or that
 * another one takes but this one does not, is an INVALID_OPTION naming it. In plain JavaScript a mistyped
 * or misplaced key would otherwise be ignored, and the job would run with other numbers than asked.
 */
import { BatchGradError } from '../../errors.js';
import { nearestName } from '../../nearest-name.js';

/** What the model is: the same words for every entry point (the CLI's --expr, --features, ...). */
const MODEL = ['model', 'expr', 'features', 'params', 'param', 'label', 'loss', 'weight', 'wrt', 'classes'] as const;
/** How rows are read and bad ones handled, for every entry point that computes on the pool. */
const ROWS = ['batchSize', 'onError', 'delimiter', 'signal'] as const;

/** A file run's own: where it reads and writes, and what it writes. */
const FILES = [
  'input',
  'output',
  'keep',
  'summary',
  'rejects',
  'progress',
  'from',
  'to',
  'compression',
  'shard',
  'header',
  'columns',
] as const;

const ENTRY_KEYS = {
  'createEngine()': ['threads'],
  'computeColumns()': MODEL,
  'engine.gradients()': [...MODEL, ...ROWS, 'keep', 'onReject', 'input'],
  'gradients()': [...MODEL, ...ROWS, 'keep', 'onReject', 'input', 'threads'],
  'engine.runFile()': [...MODEL, ...ROWS, ...FILES],
  'runFile()': [...MODEL, ...ROWS, ...FILES, 'threads'],
  'fit()': [
    ...MODEL.filter((key) => key !== 'wrt'),
    ...ROWS,
    'input',
    'out',
    'rejects',
    'progress',
    'from',
    'header',
    'columns',
    'threads',
    'l2',
    'maxIterations',
    'tolerance',
    'history',
    'method',
    'cache',
    'onIteration',
    'onCacheEstimate',
  ],
  'mergeSummaries()': ['summary', 'stdout'],
} as const satisfies Record<string, readonly string[]>;

export type Entry = keyof typeof ENTRY_KEYS;

/** Refuses a key `entry` does not take, naming the entry points that do, or the nearest key it takes. */
export function checkKeys(entry: Entry, options: object | undefined): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') {
    throw new BatchGradError('INVALID_OPTION', `${entry} takes an options object; got ${typeof options}`, {
      value: String(options),
    });
  }
  const allowed: readonly string[] = ENTRY_KEYS[entry];
  for (const key of Object.keys(options)) {
    if (allowed.includes(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const elsewhere = (Object.keys(ENTRY_KEYS) as Entry[]).filter((other) =>
      (ENTRY_KEYS[other] as readonly string[]).includes(key),
    );
    const nearest = nearestName(key, allowed);
    const why =
      elsewhere.length > 0
        ? ` (${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'takes' : 'take'} it)`
        : nearest === undefined
          ? ''
          : `; did you mean ${nearest}?`;
    throw new BatchGradError('INVALID_OPTION', `${entry} does not take the option "${key}"${why}`, { option: key });
  }
}
