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
export type { GradientJob, GradientOptions } from './api/gradients.js';
export type { GradTransform } from './api/grad-transform.js';
export type { InputRecord, OutputRecord, RejectedRecord } from './api/record-run.js';
export type { ModelChoice } from './api/model-choice.js';
export { runFile, type RunFileOptions } from './api/run-file.js';
export type { RunIo } from './pipeline/run-file.js';
export { mergeSummaries } from './api/merge.js';
export type { MergeOptions } from './pipeline/merge-summaries.js';
export { fit, type FitOptions, type FitResult } from './api/fit.js';
export type { IterationLog } from './core/optimize/lbfgs.js';
export type { RunSummary, ColumnTotals } from './pipeline/summary.js';
export { formatSummaryTable } from './pipeline/summary-table.js';
export type { RejectedRow } from './compute/process-chunk.js';
export { DEFAULT_BATCH_SIZE, type RunOptionsInput } from './pipeline/options.js';
export { FORMATS, PARQUET_COMPRESSIONS, type Format, type ParquetCompression } from './compute/formats.js';
export { BatchGradError, ERROR_CODES, isBatchGradError, type ErrorCode, type ErrorContext } from './errors.js';
export * from './core/index.js';
