/**
 * A fit's model inputs kept in memory after its first pass, as a source for every later pass: the batches'
 * float64 columns, in the shared memory the workers parsed them into (compute/task-result.ts's
 * sharedColumn), are read in place by every worker (nothing is copied or moved per pass), which runs the
 * model with the pass's parameters and sends back only the exact sums.
 * The batches and their order are the first pass's, a task a run of them, and every sum is exact: the
 * sums are the same bits as a streamed pass.
 */
import type { JobSpec } from '../../compute/job/job.js';
import type { Engine } from '../../engine/engine.js';
import { CACHED_TASKS_PER_THREAD } from '../sizing.js';
import { asIs, type Counted, closesNothing, keepsNothing, type Source } from '../source.js';

interface CachedBatch {
  readonly columns: Float64Array[];
  readonly rows: number;
}

export class CachedColumns {
  private readonly batches: CachedBatch[] = [];
  private cachedJob: JobSpec | undefined;

  /** From the first pass: one batch's model inputs, in order. */
  readonly add = (job: JobSpec, columns: Float64Array[], rows: number): void => {
    this.cachedJob ??= job;
    this.batches.push({ columns, rows });
  };

  /** The first pass's job with the parameters of this pass, and whether it sums the curvature. */
  jobWith(params: Readonly<Record<string, number>>, curvature: boolean): JobSpec {
    const job = this.cachedJob!;
    const first = job.tape.inputs.length - job.tape.params.length;
    const values = job.tape.inputs.slice(first).map((name) => params[name] ?? 0);
    const { curvature: _, ...tape } = job.tape;
    return { ...job, tape: { ...tape, params: values, ...(curvature ? { curvature } : {}) } };
  }

  source(engine: Engine, signal: AbortSignal | undefined): Source<CachedBatch[], Counted, Counted> {
    const groups = taskGroups(this.batches, engine.threads);
    return {
      header: this.cachedJob!.header,
      async *tasks() {
        yield* groups;
      },
      async compute(job, group) {
        const response = await engine.runSums(job.tape, job.gradientOrder, group, signal);
        const rows = group.reduce((sum, batch) => sum + batch.rows, 0);
        return { read: rows, written: rows, rejected: 0, sums: response.sums };
      },
      inOrder: asIs,
      release: keepsNothing,
      close: closesNothing,
    };
  }
}

/**
 * The batches in order, cut into CACHED_TASKS_PER_THREAD runs a thread of about equal rows: a pass's cost
 * a task (a message each way, and the exact sums' states to add) is paid a few times, not once a
 * first-pass batch, and the threads still share the rows evenly.
 */
function taskGroups(batches: readonly CachedBatch[], threads: number): CachedBatch[][] {
  const total = batches.reduce((sum, batch) => sum + batch.rows, 0);
  const target = Math.max(1, Math.ceil(total / (threads * CACHED_TASKS_PER_THREAD)));
  const groups: CachedBatch[][] = [];
  let rows = Number.POSITIVE_INFINITY;
  for (const batch of batches) {
    if (rows >= target) {
      groups.push([]);
      rows = 0;
    }
    groups[groups.length - 1]!.push(batch);
    rows += batch.rows;
  }
  return groups;
}
