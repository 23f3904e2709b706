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
export { computeColumns, type ColumnsResult, type InputColumns } from './api/columns.js';
export { createEngine, gradients, gradientsTable, gradStream, BatchGradEngine, type EngineOptions } from './api/batch-grad-engine.js';
export type { GradientJob, GradientOptions, InputRecord, OutputRecord, RejectedRecord, RejectedRow } from './api/gradients.js';
export type { GradTransform } from './api/grad-transform.js';
export type { ModelChoice } from './api/options/model-choice.js';
export { runFile, formatSummaryTable, type RunFileOptions, type RunIo, type RunOptionsInput, type RunSummary, type ColumnTotals } from './api/run-file.js';
export { mergeSummaries, type MergeOptions } from './api/merge.js';
export { fit, type FitOptions, type FitResult, type IterationLog } from './api/fit.js';
export { DEFAULT_BATCH_SIZE, FORMATS, PARQUET_COMPRESSIONS, TASK_SIZES, type Format, type ParquetCompression } from './api/options/choices.js';
export { BatchGradError, ERROR_CODES, isBatchGradError, type ErrorCode, type ErrorContext } from './errors.js';
export * from './core/index.js';
