/**
 * The data formats batch-grad reads and writes, and how a worker encodes a batch of output for each:
 * text lines (CSV, TSV, JSON Lines) are final bytes; an Arrow output's batch leaves the worker as one Arrow
 * IPC stream, which the coordinator's writer appends to the output file; a Parquet output's batch as a
 * Parquet file of its own, whose row groups the coordinator stitches into the output file.
 */
export const FORMATS = ['csv', 'tsv', 'jsonl', 'parquet', 'arrow', 'arrows'] as const;
export type Format = (typeof FORMATS)[number];

export const PARQUET_COMPRESSIONS = ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'] as const;
export type ParquetCompression = (typeof PARQUET_COMPRESSIONS)[number];

/** A Parquet output's codec when --compression is not given: DuckDB's and Polars' default too. */
export const DEFAULT_COMPRESSION: ParquetCompression = 'snappy';

/** How a worker encodes its output batch; `none` when only the sums are wanted (a fit's passes). */
export type OutputEncoding = 'csv' | 'jsonl' | 'arrow' | 'parquet' | 'none';

export function encodingOf(format: Format): OutputEncoding {
  return format === 'csv' || format === 'tsv' ? 'csv' : format === 'jsonl' || format === 'parquet' ? format : 'arrow';
}

/** Formats that are text, and so may be gzip-compressed as a whole. */
export const isTextFormat = (format: Format): boolean => format === 'csv' || format === 'tsv' || format === 'jsonl';
