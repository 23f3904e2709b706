/** The options of the library's gradients(), gradStream() and table(), and their check at the door. */

import type { RejectedRow } from '../compute/task-result.js';
import type { JobChoices } from '../pipeline/run.js';
import type { RejectedRecord } from '../pipeline/sources/records.js';
import { batchSizeOf, delimiterOf, onErrorOf } from './options/checks.js';
import { formulaOf, type ModelChoice } from './options/model-choice.js';
import { type TrainingInput, trainingOf } from './options/training.js';

export interface GradientOptions extends TrainingInput {
  /** The logistic model (default; n from the columns, or `{ features: n }`), or a formula. */
  readonly model?: ModelChoice;
  /** A formula (the same as `model: formula`). */
  readonly expr?: string;
  /** Columns copied to each result. */
  readonly keep?: readonly string[];
  readonly onError?: 'fail' | 'skip';
  /** Called for each record skipped under `onError: 'skip'`. */
  readonly onReject?: (rejected: RejectedRecord | RejectedRow) => void;
  /** Rows per task sent to a worker. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /**
   * `records` (default): objects or arrays in, objects out. `csv`: bytes or strings in, CSV bytes out.
   * `jsonl`: JSON Lines bytes or strings in, JSON Lines bytes out. `arrow`: apache-arrow RecordBatches in
   * (all of one schema), RecordBatches of results out. (Parquet needs its footer first: use runFile.)
   */
  readonly input?: 'records' | 'csv' | 'jsonl' | 'arrow';
  /** For `input: 'csv'`: the field delimiter (default `,`). */
  readonly delimiter?: string;
}

/** The options, checked once: a run's job choices (but the input's name) and its task size. */
export type GradientChoices = Omit<JobChoices, 'file'> & {
  readonly batchSize: number;
  readonly onReject: GradientOptions['onReject'];
};

export function gradientChoices(options: GradientOptions): GradientChoices {
  return {
    expr: formulaOf(options),
    keep: options.keep ?? [],
    delimiter: delimiterOf(options.delimiter),
    onError: onErrorOf(options.onError),
    training: trainingOf(options),
    collectRejects: options.onReject !== undefined,
    batchSize: batchSizeOf(options.batchSize),
    onReject: options.onReject,
  };
}
