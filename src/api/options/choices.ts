/** The lists of choices and the defaults, as the modules that define them hold them: the CLI's help and choices read them here. */
import { availableParallelism } from 'node:os';
import { inlineBytesFor, PARQUET_ROW_GROUP_ROWS, RANGE_BYTES } from '../../pipeline/sizing.js';

export {
  DEFAULT_COMPRESSION,
  FORMATS,
  type Format,
  PARQUET_COMPRESSIONS,
  type ParquetCompression,
} from '../../compute/formats.js';
export { DEFAULT_BATCH_SIZE } from '../../pipeline/sizing.js';
export { FIT_DEFAULTS, FIT_METHODS, type FitMethodChoice, NEWTON_MAX_PARAMETERS } from './fit-settings.js';

/**
 * The sizes of tasks when --batch-size is not given: rows for a Parquet output, and a CSV file's byte
 * ranges; and the CSV bytes a run computes on its calling thread on this machine when --threads is not
 * given (Infinity with one core).
 */
export const TASK_SIZES = {
  parquetRows: PARQUET_ROW_GROUP_ROWS,
  rangeBytes: RANGE_BYTES,
  inlineBytes: inlineBytesFor(availableParallelism()),
} as const;
