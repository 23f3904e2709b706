/**
 * The one run: a source's tasks on the engine, at most two a thread in flight, their results taken strictly
 * in input order, checked, added into the summary and yielded. A task is read from the source only when a
 * result has been taken, so memory stays flat whatever the input's size. Every input, every format and the
 * library's records all come through here; the result's shape is the source's.
 */
import type { JobSpec, OnError } from '../compute/job/job.js';
import { resolveJob, type TrainingChoices } from '../compute/job/resolve-job.js';
import { abortable } from '../engine/abort.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import { orderedMap } from './ordered-map.js';
import type { Counted, Source } from './source.js';
import { SummaryAccumulator } from './summary.js';

export interface Run<Result> {
  readonly job: JobSpec;
  /** Each task's result, in input order; a bad row (under fail) or a failure is thrown in its turn. */
  readonly results: AsyncGenerator<Result>;
  /** Counts and exact sums of the results taken so far. */
  readonly summary: SummaryAccumulator;
  /** Call when a result's output has been written: its buffers are reused (optional). */
  readonly release: (result: Result) => void;
}

/** What a job is made of besides the input's header. */
export interface JobChoices {
  readonly expr: string | undefined;
  readonly keep: readonly string[];
  readonly delimiter: string;
  readonly onError: OnError;
  readonly training: TrainingChoices;
  /** The input's name in messages. */
  readonly file: string;
  /** Whether results carry the rejected rows. */
  readonly collectRejects: boolean;
  /** How workers encode the output (default: CSV with the input's delimiter). */
  readonly outputEncoding?: JobSpec['output'];
  /** Whether results carry the good rows' model inputs (a fit's cache). */
  readonly keepInputs?: boolean;
}

/** The job for an input's header under a run's choices, whatever the input's format. */
export function jobFor(header: readonly string[], choices: JobChoices): JobSpec {
  const job = resolveJob(header, {
    ...choices.training,
    expr: choices.expr,
    keep: choices.keep,
    delimiter: choices.delimiter,
    onError: choices.onError,
    file: choices.file,
    collectRejects: choices.collectRejects,
    output: choices.outputEncoding,
  });
  return choices.keepInputs === true ? { ...job, keepInputs: true } : job;
}

export function startRun<Task, Done, Result extends Counted>(
  engine: Engine,
  source: Source<Task, Done, Result>,
  job: JobSpec,
  signal: AbortSignal | undefined,
): Run<Result> {
  engine.assertOpen();
  const summary = SummaryAccumulator.forJob(job);
  async function* results(): AsyncGenerator<Result> {
    const tasks = abortableItems(source.tasks(job), signal);
    for await (const done of orderedMap(tasks, (task) => source.compute(job, task), 2 * engine.threads)) {
      const result = await abortable(Promise.resolve(source.inOrder(done, job)), signal);
      if (result.error !== undefined) throw BatchGradError.fromData(result.error);
      summary.add(result);
      yield result;
    }
  }
  return { job, summary, results: results(), release: (result) => source.release(result) };
}

/** The items of `items`, each wait for the next one ended by the signal. */
async function* abortableItems<T>(items: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  const iterator = items[Symbol.asyncIterator]();
  try {
    for (
      let next = await abortable(iterator.next(), signal);
      next.done !== true;
      next = await abortable(iterator.next(), signal)
    )
      yield next.value;
  } finally {
    // Not awaited: a read still pending (a stalled stdin, after an interrupt) must not hold the run open.
    iterator.return?.()?.catch(() => undefined);
  }
}
