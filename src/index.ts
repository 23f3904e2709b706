/// <reference types="node" preserve="true" />
/**
 * batch-grad as a library: the same engine as the CLI (the same worker pool, the same numbers).
 *
 * - computeColumns(columns, model?)        in-memory columns, on the calling thread
 * - gradients(source, options)             async iterable of results (records, or CSV bytes)
 * - gradStream(options)                    a Transform for stream.pipeline
 * - runFile(options)                       a file to a file, as the CLI does
 * - createEngine({ threads })              one pool for many jobs, with close() / Symbol.asyncDispose
 * - the gradient core (graph nodes, tapes, formulas) for building your own models
 */

export {
  BatchGradEngine,
  createEngine,
  type EngineOptions,
  gradients,
  gradientsTable,
  gradStream,
} from './api/batch-grad-engine.js';
export { type ColumnsResult, computeColumns, type InputColumns } from './api/columns.js';
export { type CacheEstimate, type FitOptions, type FitResult, fit, type IterationLog } from './api/fit.js';
export type { GradTransform } from './api/grad-transform.js';
export type {
  GradientJob,
  GradientOptions,
  InputRecord,
  OutputRecord,
  RejectedRecord,
  RejectedRow,
} from './api/gradients.js';
export { type MergeOptions, mergeSummaries } from './api/merge.js';
export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_COMPRESSION,
  FIT_DEFAULTS,
  FIT_METHODS,
  type FitMethodChoice,
  FORMATS,
  type Format,
  NEWTON_MAX_PARAMETERS,
  PARQUET_COMPRESSIONS,
  type ParquetCompression,
  TASK_SIZES,
} from './api/options/choices.js';
export type { ModelChoice } from './api/options/model-choice.js';
export {
  type ColumnTotals,
  formatSummaryTable,
  type RunFileOptions,
  type RunIo,
  type RunOptionsInput,
  type RunSummary,
  runFile,
} from './api/run-file.js';
export * from './core/index.js';
export { BatchGradError, ERROR_CODES, type ErrorCode, type ErrorContext, isBatchGradError } from './errors.js';
