/**
 * The source shape shared by the inputs the workers decode themselves (JSON Lines, Arrow, Parquet): each
 * task is one batch, described by what the worker needs to find it, and computed by a worker.
 */
import type { BatchSource, BatchTask } from '../../compute/columnar/process-batch.js';
import type { TaskResult } from '../../compute/task-result.js';
import type { Engine } from '../../engine/engine.js';
import { asIs, closesNothing, keepsNothing, type Source } from '../source.js';

export interface Batch {
  readonly source: BatchSource;
  /** The input bytes it stands for (for progress). */
  readonly inputBytes: number;
}

export function batchSource(
  engine: Engine,
  header: readonly string[],
  batches: AsyncIterable<Batch>,
  signal: AbortSignal | undefined,
  close: () => Promise<void> = closesNothing,
): Source<BatchTask, TaskResult, TaskResult> {
  return {
    header,
    async *tasks() {
      let seq = 0;
      for await (const { source, inputBytes } of batches) yield { seq: seq++, source, inputBytes };
    },
    compute: (job, task) => engine.runBatch(job, task, signal),
    inOrder: asIs,
    release: keepsNothing,
    close,
  };
}
