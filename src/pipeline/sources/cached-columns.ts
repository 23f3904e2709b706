/**
 * A fit's model inputs kept in memory after its first pass, as a source for every later pass: the batches'
 * float64 columns, in the shared memory the workers parsed them into (compute/task-result.ts's
 * sharedColumn), are read in place by every worker (nothing is copied or moved per pass), which runs the
 * model with the pass's parameters and sends back only the exact sums.
 * The batches and their order are the first pass's, so the sums are the same bits as a streamed pass.
 */
import type { JobSpec } from '../../compute/job/job.js';
import type { Engine } from '../../engine/engine.js';
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

  source(engine: Engine, signal: AbortSignal | undefined): Source<number, Counted, Counted> {
    const batches = this.batches;
    return {
      header: this.cachedJob!.header,
      async *tasks() {
        for (let k = 0; k < batches.length; k++) yield k;
      },
      async compute(job, k) {
        const batch = batches[k]!;
        const response = await engine.runSums(job.tape, job.gradientOrder, batch.columns, batch.rows, signal);
        return { read: batch.rows, written: batch.rows, rejected: 0, sums: response.sums };
      },
      inOrder: asIs,
      release: keepsNothing,
      close: closesNothing,
    };
  }
}
