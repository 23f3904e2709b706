/**
 * The source shape shared by the inputs the workers decode themselves (JSON Lines, Arrow, Parquet): each
 * task is one batch, described by what the worker needs to find it, and computed by a worker.
 */
import type { BatchSource, BatchTask } from '../../compute/columnar/process-batch.js';
import { outputBytesAtMost } from '../../compute/encode-output.js';
import type { TaskResult } from '../../compute/task-result.js';
import type { Engine } from '../../engine/engine.js';
import { runBuffers } from '../io/buffer-pool.js';
import { asIs, closesNothing, type Source } from '../source.js';

export interface Batch {
  readonly source: BatchSource;
  /** The input bytes it stands for (for progress). */
  readonly inputBytes: number;
  /** Its rows, where the input says before it is read (a Parquet row group). */
  readonly rows?: number;
}

export function batchSource(
  engine: Engine,
  header: readonly string[],
  batches: AsyncIterable<Batch>,
  signal: AbortSignal | undefined,
  close: () => Promise<void> = closesNothing,
): Source<BatchTask, TaskResult, TaskResult> {
  const buffers = runBuffers(engine.threads);
  const rowsOf = new Map<number, number>();
  // Outputs come back to the pool only in a run whose tasks take from it.
  let recycling = false;
  return {
    header,
    async *tasks() {
      let seq = 0;
      for await (const { source, inputBytes, rows } of batches) {
        if (rows !== undefined) rowsOf.set(seq, rows);
        yield { seq: seq++, source, inputBytes };
      }
    },
    compute: (job, task) => {
      const rows = rowsOf.get(task.seq);
      rowsOf.delete(task.seq);
      const size = rows === undefined ? undefined : outputBytesAtMost(job, rows);
      if (size === undefined) return engine.runBatch(job, task, signal);
      recycling = true;
      return engine.runBatch(job, { ...task, outputBuffer: buffers.take(size) }, signal);
    },
    inOrder: asIs,
    release: (result) => {
      if (recycling) buffers.give(result.output.buffer);
    },
    close,
  };
}
