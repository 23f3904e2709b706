/**
 * A Piscina worker: compiles each model once per thread (model-tape.ts caches it), then turns CSV records
 * (sent, or read from a byte range of the file) into output bytes and partial sums, or input columns into
 * value and gradient columns. Buffers arrive transferred and leave transferred, and a fit's cached columns
 * are shared memory, so nothing large is copied between threads.
 */

import { move, transferableSymbol, valueSymbol } from 'piscina';
import { processChunk } from '../src/compute/csv/process-chunk.js';
import { processFileRange } from '../src/compute/csv/process-range.js';
import { ExactSum } from '../src/compute/exact-sum.js';
import { outputColumns, runModel } from '../src/compute/job/model-tape.js';
import { taskSums } from '../src/compute/job/task-sums.js';
import type {
  ChunkRequest,
  ColumnsRequest,
  ColumnsResponse,
  RangeRequest,
  WorkerRequest,
} from '../src/engine/protocol.js';
import { detachEarly } from './detach-early.js';
import { injectedFault } from './fault-injection.js';

detachEarly();

export default function gradWorker(request: WorkerRequest): unknown {
  if (request.kind === 'batch') {
    injectedFault(request.task.seq);
    // The columnar decoders are loaded with the first batch: a CSV run's threads start without them.
    return import('../src/compute/columnar/process-batch.js')
      .then(({ processBatch }) => processBatch(request.job, request.task))
      .then((result) => transferring(result, [result.output.buffer]));
  }
  if (request.kind === 'sums') {
    const { tape, gradientOrder, batches } = request;
    // Each batch's sums, added exactly: the same bits as one task a batch, in far fewer messages.
    let total: ExactSum[] | undefined;
    for (const { columns, rows } of batches) {
      const sums = taskSums(tape, outputColumns(runModel(tape, columns, rows), gradientOrder), columns, rows);
      total ??= sums.map(() => new ExactSum());
      for (const [k, state] of sums.entries()) total[k]!.addState(state);
    }
    return { sums: (total ?? []).map((sum) => sum.state()) };
  }
  if (request.kind === 'columns') {
    const response = computeColumns(request);
    const buffers = [
      ...response.predictions.map((p) => p.buffer),
      ...(response.loss ? [response.loss.buffer] : []),
      ...response.gradients.map((g) => g.buffer),
    ];
    return transferring(response, buffers);
  }
  if (request.kind === 'range') return rangeResult(request);
  return chunkResult(request);
}

function rangeResult({ job, task }: RangeRequest): unknown {
  injectedFault(task.seq);
  const result = processFileRange(job, task);
  return transferring(result, [result.output.buffer]);
}

function chunkResult(request: ChunkRequest): unknown {
  injectedFault(request.task.seq);
  const result = { ...processChunk(request.job, request.task), input: request.task.bytes };
  // The output and the (now parsed) input both go back: the coordinator recycles their buffers.
  return transferring(result, [...new Set([result.output.buffer, request.task.bytes.buffer])]);
}

function computeColumns({ tape, columns, rows }: ColumnsRequest): ColumnsResponse {
  const result = runModel(tape, columns, rows);
  // The tape's buffers are reused by its next run; hand back copies that can be moved.
  return {
    predictions: result.predictions.map((p) => p.slice()),
    loss: result.loss?.slice(),
    gradients: result.gradients.map((g) => g.slice()),
  };
}

/** Piscina moves only a top-level transferable; this wrapper names the buffers inside the result. */
function transferring(value: object, buffers: ArrayBufferLike[]): unknown {
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return value;
    },
  } as unknown as ArrayBuffer);
}
