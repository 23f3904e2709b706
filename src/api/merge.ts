/** mergeSummaries, as the library exports it: its options checked at the door like every entry point's. */
import { type MergeOptions, mergeSummaries as mergeParts } from '../pipeline/merge-summaries.js';

export type { MergeOptions } from '../pipeline/merge-summaries.js';

import type { RunSummary } from '../pipeline/summary.js';
import { checkKeys } from './options/option-keys.js';

export function mergeSummaries(paths: readonly string[], options: MergeOptions = {}): Promise<RunSummary> {
  checkKeys('mergeSummaries()', options);
  return mergeParts(paths, options);
}
