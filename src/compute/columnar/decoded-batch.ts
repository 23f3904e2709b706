/**
 * A batch of rows from a columnar or JSON input after decoding and validation, whatever its format: the
 * model inputs as float64 columns (good rows only, in order), each good row's kept values, and the bad rows.
 */

import type { Data, DataType } from 'apache-arrow';
import type { BatchGradErrorData } from '../../errors.js';

export interface BadRow {
  /** The row's number in the input (its line, for JSON Lines). */
  readonly line: number;
  readonly error: BatchGradErrorData;
  /** The row as text, for a rejects file. */
  readonly text: string;
}

export interface DecodedBatch {
  /** Rows read. */
  readonly read: number;
  /** Good rows. */
  readonly rows: number;
  /** One column per tape input read from the rows (JobSpec.inputColumns' order), `rows` long. */
  readonly columns: Float64Array[];
  /** Each good row's kept values, in --keep order, as a text output writes them (see kept-text.ts). */
  readonly kept: unknown[][];
  /** The kept columns' Arrow types, when the input had types (Arrow, Parquet). */
  readonly keptTypes?: DataType[];
  /** The kept columns' good rows as Arrow data, exactly as stored, where the type allows (Arrow, Parquet). */
  readonly keptData?: Array<Data | undefined>;
  /** Bad rows in input order; under --on-error fail, decoding stops at the first. */
  readonly problems: BadRow[];
}
