/**
 * A Piscina worker: compiles the job's model once per thread (modelTape caches it), then turns each chunk
 * of CSV bytes into output bytes and partial sums. The input chunk arrives transferred, and the output
 * buffer is transferred back, so neither is copied between threads.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { processChunk } from '../src/compute/process-chunk.js';
import type { WorkerRequest, WorkerResponse } from '../src/pipeline/messages.js';
import { injectedFault } from '../src/pipeline/fault-injection.js';

export default function gradWorker({ job, task }: WorkerRequest): unknown {
  injectedFault(task.seq);
  const result: WorkerResponse = processChunk(job, task);
  // Piscina moves only a top-level transferable; this wrapper names the buffer inside the result.
  return move({
    get [transferableSymbol]() {
      return [result.output.buffer];
    },
    get [valueSymbol]() {
      return result;
    },
  } as unknown as ArrayBuffer);
}
