/**
 * Arrow as a source: record batches (from an Arrow file or stream, or the library's own batches), sliced to
 * --batch-size rows, each sent to a worker as one IPC stream.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Table as ArrowTable, RecordBatch } from 'apache-arrow';
import { arrow, userArrow } from '../../compute/columnar/libraries.js';
import type { Engine } from '../../engine/engine.js';
import { BatchGradError } from '../../errors.js';
import { type Batch, batchSource } from './batches.js';

export interface ArrowOptions {
  readonly file: string;
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
}

/** An Arrow file (by its handle: the format needs to seek) or stream (its bytes). */
export async function arrowInput(
  engine: Engine,
  input: FileHandle | AsyncIterable<Uint8Array>,
  fileFormat: boolean,
  options: ArrowOptions,
): Promise<ReturnType<typeof batchSource>> {
  const { RecordBatchReader } = arrow();
  let reader: Awaited<ReturnType<Awaited<ReturnType<typeof RecordBatchReader.from>>['open']>>;
  try {
    reader = await (await RecordBatchReader.from(input as AsyncIterable<Uint8Array>)).open();
  } catch (error) {
    throw new BatchGradError(
      'FORMAT_INVALID',
      `${options.file}: not an Arrow ${fileFormat ? 'file' : 'stream'}, or damaged: ${(error as Error).message}`,
      { file: options.file },
    );
  }
  const header = reader.schema.fields.map((field: { name: string }) => field.name);
  return batchSource(
    engine,
    header,
    ipcBatches(reader as AsyncIterable<RecordBatch>, options.batchSize, arrow()),
    options.signal,
  );
}

/** Record batches already in memory (the library's Arrow input), made by the user's apache-arrow. */
export async function recordBatches(
  engine: Engine,
  header: readonly string[],
  batches: AsyncIterable<RecordBatch>,
  options: ArrowOptions,
): Promise<ReturnType<typeof batchSource>> {
  return batchSource(engine, header, ipcBatches(batches, options.batchSize, await userArrow()), options.signal);
}

/** Each batch, sliced to at most `batchSize` rows, as one IPC stream for a worker, by the build that made it. */
async function* ipcBatches(
  batches: AsyncIterable<RecordBatch>,
  batchSize: number,
  build: ReturnType<typeof arrow>,
): AsyncGenerator<Batch> {
  const { Table, tableToIPC } = build;
  let firstRow = 1;
  for await (const batch of batches) {
    for (let start = 0; start < batch.numRows; start += batchSize) {
      const piece = batch.slice(start, Math.min(batch.numRows, start + batchSize));
      const ipc = tableToIPC(new Table([piece]) as ArrowTable, 'stream');
      yield { source: { kind: 'arrow', ipc, firstRow }, inputBytes: ipc.byteLength };
      firstRow += piece.numRows;
    }
  }
}
