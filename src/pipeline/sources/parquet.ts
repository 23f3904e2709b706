/** Parquet as a source: one task a row group, which the worker reads from the file itself; the coordinator reads only the footer. */
import type { Engine } from '../../engine/engine.js';
import type { ParquetFooter } from '../io/parquet-footer.js';
import { type Batch, batchSource } from './batches.js';

export function parquetRowGroups(
  engine: Engine,
  path: string,
  footer: ParquetFooter,
  range: { from: number; to: number } | undefined,
  signal: AbortSignal | undefined,
): ReturnType<typeof batchSource> {
  async function* batches(): AsyncGenerator<Batch> {
    let firstRow = 1;
    for (const [rowGroup, group] of footer.rowGroups.entries()) {
      if (range === undefined || (rowGroup >= range.from && rowGroup < range.to)) {
        yield { source: { kind: 'parquet', path, rowGroup, firstRow }, inputBytes: group.bytes, rows: group.rows };
      }
      firstRow += group.rows;
    }
  }
  return batchSource(engine, footer.columns, batches(), signal);
}
