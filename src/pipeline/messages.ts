/**
 * The only shapes that cross between the coordinator and a worker thread. The worker file imports this
 * module and the pure compute code, never the coordinator.
 */
import type { ChunkResult, ChunkTask } from '../compute/process-chunk.js';
import type { JobSpec } from '../compute/job.js';

export interface WorkerRequest {
  readonly job: JobSpec;
  readonly task: ChunkTask;
}

export type WorkerResponse = ChunkResult;
