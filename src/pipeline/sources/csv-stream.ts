/**
 * A CSV stream as a source (stdin, a pipe, gzip, a file too small for byte ranges, the library's CSV
 * streams): the calling thread cuts the bytes into chunks of whole records and the workers parse, compute
 * and format them. An input that fits in one chunk is computed on the calling thread: starting threads
 * would cost more than the work.
 */

import { headerOf } from '../../compute/csv/parse-header.js';
import type { ChunkTask } from '../../compute/csv/process-chunk.js';
import { MAX_RECORD_BYTES } from '../../compute/csv/record-boundary.js';
import { type RecordChunk, RecordChunker } from '../../compute/csv/record-chunker.js';
import { writesIntoRecycled } from '../../compute/encode-output.js';
import type { JobSpec } from '../../compute/job/job.js';
import type { TaskResult } from '../../compute/task-result.js';
import { abortable } from '../../engine/abort.js';
import type { Engine } from '../../engine/engine.js';
import { runBuffers } from '../io/buffer-pool.js';
import { closesNothing, type Source, type TextSourceOptions } from '../source.js';

export interface CsvStreamOptions extends TextSourceOptions {
  readonly delimiter: string;
}

type StreamTask = RecordChunk & { readonly seq: number; readonly inline: boolean };

/** Reads the header record first (so its problems are reported before anything is computed). */
export async function csvStream(
  engine: Engine,
  bytes: AsyncIterable<Uint8Array>,
  options: CsvStreamOptions,
): Promise<Source<StreamTask, TaskResult, TaskResult>> {
  engine.assertOpen();
  const buffers = runBuffers(engine.threads);
  const chunker = new RecordChunker(bytes, {
    file: options.file,
    maxRecordBytes: MAX_RECORD_BYTES,
    allocate: (size) => buffers.bytes(size),
    firstLine: options.firstLine ?? 1,
  });
  const header =
    options.header ?? headerOf(await abortable(chunker.next(1), options.signal), options.delimiter, options.file);
  const next = (): Promise<RecordChunk | undefined> => chunker.next(options.batchSize, options.taskBytes);
  return {
    header,
    async *tasks() {
      const first = await next();
      if (first === undefined) return;
      const second = await next();
      // One chunk is computed here, unless the run started the pool (a run of many small files).
      yield { ...first, seq: 0, inline: second === undefined && !engine.started };
      if (second === undefined) return;
      let seq = 1;
      for (let chunk: RecordChunk | undefined = second; chunk !== undefined; chunk = await next())
        yield { ...chunk, seq: seq++, inline: false };
    },
    async compute(job: JobSpec, chunk: StreamTask): Promise<TaskResult> {
      const task: ChunkTask = { seq: chunk.seq, bytes: chunk.bytes, firstLine: chunk.firstLine };
      if (chunk.inline) {
        // Loaded here, not at start-up: a run that starts the pool never computes on this thread, and these
        // modules build tables and compile the numbers module when they load.
        const { processChunk } = await import('../../compute/csv/process-chunk.js');
        return processChunk(job, task);
      }
      // Output is about twice the input for numeric data; a recycled buffer that size usually fits.
      const outputBuffer = writesIntoRecycled(job) ? { outputBuffer: buffers.take(2 * chunk.bytes.length) } : {};
      return engine.runChunk(job, { ...task, ...outputBuffer }, options.signal);
    },
    inOrder(result) {
      buffers.give(result.input?.buffer);
      return result;
    },
    release: (result) => buffers.give(result.output.buffer),
    close: options.close ?? closesNothing,
  };
}
