/**
 * A chunk's rows after parsing and validation, whichever parser produced them (csv-parse in general, or
 * the plain-chunk scanner for the common case). Everything after parsing works on this shape only.
 */
import type { ErrorCode } from '../../errors.js';

export interface RowProblem {
  readonly code: ErrorCode;
  readonly reason: string;
  /** Byte range of the record in the chunk (end includes its line ending). */
  readonly start: number;
  readonly end: number;
  /** 0-based field, when the problem is in one field. */
  readonly column?: number;
  /** The field's text, when the problem is in one field. */
  readonly value?: string;
}

export interface ParsedChunk {
  /** Records read (blank lines are not records). */
  readonly read: number;
  /** Good rows: their model inputs, one column per tape input, and their kept fields. */
  readonly rows: number;
  readonly columns: Float64Array[];
  readonly kept: string[][];
  /** Bad rows in input order. Under --on-error fail, parsing stops at the first. */
  readonly problems: RowProblem[];
  /** A broken CSV structure (csv-parse's error), located by the byte where its record starts. */
  readonly syntaxError?: { readonly message: string; readonly at: number };
}
