/**
 * A CSV file (or a shard of one) as byte ranges that the workers read themselves: the file is cut into
 * nominal ranges, each worker reads its own with positioned reads and cuts it at records
 * (compute/csv/process-range.ts), and the calling thread only posts ranges, checks each result's quote
 * parity in order, makes its lines absolute and hands its output on: O(1) work a range, not a row. A small
 * input on an engine that chooses its threads is computed range by range on the calling thread instead
 * (sizing.ts, computesHere).
 *
 * The parity at a range's start is known for the first range only; the others are guessed by the worker
 * from their own bytes. Results come back in order, so the true parity is carried from range to range
 * (each result says how many quotes, modulo 2, its nominal range held); a result that assumed the other
 * parity was cut in the wrong place and is computed again with the true one, never used. Every range's
 * records are then exactly those a single pass would have cut there, so the output and sums are the same
 * bits as a CSV stream's (csv-stream.ts).
 */
import { locatedFrom, processFileRange, type RangeResult, type RangeTask } from '../../compute/csv/process-range.js';
import { MAX_RECORD_BYTES, type Parity } from '../../compute/csv/record-boundary.js';
import { writesIntoRecycled } from '../../compute/encode-output.js';
import type { TaskResult } from '../../compute/task-result.js';
import { abortable } from '../../engine/abort.js';
import type { Engine } from '../../engine/engine.js';
import { BatchGradError } from '../../errors.js';
import { runBuffers } from '../io/buffer-pool.js';
import { computesHere } from '../sizing.js';
import type { Source } from '../source.js';

/** Where a file's records are, and how they are cut. */
export interface RangeLayout {
  readonly path: string;
  /** The input's name in messages. */
  readonly file: string;
  readonly header: readonly string[];
  /** The first record's offset (after a byte order mark and the header, or a shard's start), and its line. */
  readonly base: number;
  readonly firstLine: number;
  /** The end of the records: the file's size, or a shard's end. */
  readonly limit: number;
  /** The nominal bytes of a range. */
  readonly rangeBytes: number;
}

type Done = { readonly task: RangeTask; readonly result?: RangeResult; readonly error?: unknown };

export function csvRanges(
  engine: Engine,
  layout: RangeLayout,
  signal: AbortSignal | undefined,
  close: () => Promise<void>,
): Source<RangeTask, Done, TaskResult> {
  const buffers = runBuffers(engine.threads);
  const { path, base, limit, rangeBytes } = layout;
  const here = computesHere(engine, limit - base);
  // Outputs come back to the pool only in a run whose tasks take from it: else they would only sit there.
  let recycling = false;
  // Output is about twice the input for numeric data; a recycled buffer that size usually fits.
  const run = async (job: Parameters<Engine['runRange']>[0], task: RangeTask): Promise<RangeResult> => {
    recycling = writesIntoRecycled(job);
    const outputBuffer = recycling ? { outputBuffer: buffers.take(2 * (task.to - task.from)) } : {};
    if (!here) return engine.runRange(job, { ...task, ...outputBuffer }, signal);
    return processFileRange(job, { ...task, ...outputBuffer });
  };
  let parity: Parity = 0;
  let line = layout.firstLine;
  return {
    header: layout.header,
    async *tasks() {
      let seq = 0;
      for (let from = base; from < limit; from += rangeBytes) {
        const to = Math.min(limit, from + rangeBytes);
        yield {
          seq: seq++,
          path,
          from,
          to,
          base,
          limit,
          maxRecordBytes: MAX_RECORD_BYTES,
          ...(from === base ? { parity: 0 as const } : {}),
        };
      }
    },
    compute: (job, task) =>
      run(job, task).then(
        (result) => ({ task, result }),
        (error: unknown) => ({ task, error }),
      ),
    async inOrder(done, job) {
      if (done.error !== undefined) throw failedAt(done.error, line);
      let result = done.result!;
      if (result.parity !== parity) {
        // Cut where the true parity would not cut: computed again, with the parity now known.
        if (recycling) buffers.give(result.output.buffer);
        result = await abortable(run(job, { ...done.task, parity }), signal).catch((error: unknown) => {
          throw failedAt(error, line);
        });
      }
      parity = (parity ^ result.quotes) as Parity;
      const located = locatedFrom(result, layout.file, line);
      line += result.lines;
      return located;
    },
    release: (result) => {
      if (recycling) buffers.give(result.output.buffer);
    },
    close,
  };
}

/** A thread that failed on a range, named by the line its records start on (known only now, in order). */
function failedAt(error: unknown, line: number): unknown {
  if (!(error instanceof BatchGradError) || error.code !== 'WORKER_FAILED') return error;
  const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
  return new BatchGradError(
    'WORKER_FAILED',
    `a worker thread failed on rows from line ${line}: ${cause}`,
    { line },
    { cause: error.cause },
  );
}
