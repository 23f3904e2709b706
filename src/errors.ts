/**
 * Every failure batch-grad reports is a BatchGradError with a stable `code` from this one table.
 * The table is the single source: the `ErrorCode` type, the exit codes and the README's list derive from it.
 */
export const ERROR_CODES = {
  // Usage: the user asked for something that cannot be done (exit 2).
  INVALID_OPTION: { exit: 2, summary: 'an option is missing, unknown or has a value it cannot take' },
  FORMULA_SYNTAX: { exit: 2, summary: 'the formula does not parse; the position is given' },
  FORMULA_UNKNOWN_FUNCTION: { exit: 2, summary: 'the formula calls a function batch-grad does not know' },
  FORMULA_UNSUPPORTED: {
    exit: 2,
    summary: 'the formula uses syntax batch-grad does not compute (e.g. a non-constant exponent)',
  },
  SAME_INPUT_OUTPUT: { exit: 2, summary: 'the output path is the input file itself' },
  SAME_OUTPUT: {
    exit: 2,
    summary: 'two outputs of one run (--out, --rejects, --summary) have the same path, or both are stdout',
  },
  // Input: the data cannot be read as asked (exit 1).
  INPUT_NOT_FOUND: { exit: 1, summary: 'the input file does not exist or cannot be read' },
  INPUT_COMPRESSED_INVALID: {
    exit: 1,
    summary: 'the input starts as gzip but does not decompress (truncated or corrupt)',
  },
  HEADER_MISSING_COLUMN: { exit: 1, summary: 'the header lacks a column the model or --keep needs' },
  HEADER_INVALID: {
    exit: 1,
    summary: 'the header has an empty or duplicated name, or no model inputs can be found in it',
  },
  CSV_SYNTAX: {
    exit: 1,
    summary: 'the CSV itself is malformed: an unterminated or misplaced quote, or not text at all',
  },
  FIELD_COUNT: { exit: 1, summary: 'a row has more or fewer fields than the header' },
  FIELD_EMPTY: { exit: 1, summary: 'a model input field is empty' },
  FIELD_NOT_A_NUMBER: { exit: 1, summary: 'a model input field is not a decimal number' },
  FIELD_NULL: { exit: 1, summary: 'a model input is null (Parquet, Arrow or JSON Lines input)' },
  FIELD_NAN: { exit: 1, summary: 'a model input is NaN or infinite (Parquet or Arrow input)' },
  FIELD_MISSING: { exit: 1, summary: 'a JSON Lines object lacks a model input key' },
  JSON_SYNTAX: { exit: 1, summary: 'a JSON Lines line is not a JSON object' },
  FORMAT_INVALID: { exit: 1, summary: 'a Parquet or Arrow input cannot be read as one (not that format, or damaged)' },
  INVALID_UTF8: { exit: 1, summary: 'a row holds bytes that are not UTF-8 text' },
  RECORD_TOO_LONG: {
    exit: 1,
    summary: 'a record is longer than the limit (64 MiB), usually after an unterminated quote',
  },
  LABEL_INVALID: {
    exit: 1,
    summary: "a label its loss does not take: bce's not 0 or 1, poisson's negative, softmax's not a class",
  },
  FIELD_OUT_OF_RANGE: {
    exit: 1,
    summary: 'a model input field is a number too large for float64 (it would be Infinity)',
  },
  MERGE_PART_INVALID: { exit: 1, summary: 'a file given to merge is not a batch-grad shard summary' },
  MERGE_PART_FOREIGN: {
    exit: 1,
    summary: 'the summaries given to merge are not all of one job (model, columns, options or inputs differ)',
  },
  MERGE_PART_MISSING: { exit: 1, summary: 'a shard of the job has no summary among those given to merge' },
  MERGE_PART_REPEATED: { exit: 1, summary: 'a shard of the job is given to merge more than once' },
  FIT_NOT_CONVERGED: {
    exit: 3,
    summary:
      'fit stopped before converging (max-iterations, line-search-failed, no-progress); its model is written, with the reason',
  },
  CACHE_TOO_LARGE: {
    exit: 1,
    summary: 'fit --cache would need more memory than is free; fit streams the data without it',
  },
  // Output and environment (exit 1).
  OUTPUT_FAILED: { exit: 1, summary: 'the output could not be written (no space, no permission, missing folder)' },
  OUTPUT_CLOSED: {
    exit: 141,
    summary: 'the reader of the output closed the pipe (as `head` does); the run stops quietly',
  },
  WORKER_FAILED: { exit: 1, summary: 'a worker thread crashed or threw; the run was stopped' },
  ENGINE_CLOSED: { exit: 1, summary: 'a library engine was used after close()' },
  INTERRUPTED: { exit: 130, summary: 'the run was stopped by SIGINT (exit 130) or SIGTERM (exit 143)' },
} as const satisfies Record<string, { exit: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in the input a problem is: every field optional because not every error has all of them. */
export interface ErrorContext {
  file?: string;
  /** Physical line, 1-based, as an editor counts it (a quoted field spanning lines counts each line). */
  line?: number;
  /** 1-based record number, for records given as objects or arrays (the library's record streams). */
  record?: number;
  /** The Parquet row group the row is in. */
  rowGroup?: number;
  /** 1-based field position within the row. */
  column?: number;
  /** The header name of that column. */
  field?: string;
  value?: string;
  option?: string;
  position?: number;
}

export class BatchGradError extends Error {
  override readonly name = 'BatchGradError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = context;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  /** Errors cross the worker boundary as data: piscina would otherwise hand us a plain Error. */
  toData(): BatchGradErrorData {
    return { code: this.code, message: this.message, context: this.context };
  }

  static fromData(data: BatchGradErrorData): BatchGradError {
    return new BatchGradError(data.code, data.message, data.context);
  }
}

export interface BatchGradErrorData {
  code: ErrorCode;
  message: string;
  context: ErrorContext;
}

export function isBatchGradError(error: unknown): error is BatchGradError {
  return error instanceof BatchGradError;
}
