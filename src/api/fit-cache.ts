/**
 * A fit's model inputs kept in memory after its first pass (`cache`), so that every later pass costs no
 * reading or parsing: the batches' float64 columns stay on this thread between passes and move (are
 * transferred, not copied) to a worker for each pass, which runs the tape with the new parameters and
 * sends back the exact sums and the columns. The batches and their order are the first pass's, so the
 * sums are the same bits as a streamed pass.
 */
import { freemem } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { summedColumnNames, type JobSpec } from '../compute/job.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import type { RunOptions } from '../pipeline/options.js';
import { orderedMap } from '../pipeline/ordered-map.js';
import { modelFacts, SummaryAccumulator, type RunSummary } from '../pipeline/summary.js';

export interface CacheEstimate {
  readonly rows: number;
  readonly bytes: number;
  readonly available: number;
}

/** The share of free memory the cache may take. */
const CACHE_SHARE = 0.5;

export class InputCache {
  private job: JobSpec | undefined;
  private readonly batches: Array<{ columns: Float64Array[]; rows: number }> = [];

  /**
   * Before the first pass: about how many rows the inputs hold (their sizes over the bytes a row takes in
   * the first 1 MiB) and how much memory their columns will take; refused when that is more than half the
   * free memory.
   */
  static async forInputs(options: RunOptions, tell?: (estimate: CacheEstimate) => void): Promise<InputCache> {
    const sizes = await Promise.all(options.inputs.map((path) => (path === '-' ? undefined : stat(path).then((s) => (s.isFile() ? s.size : undefined), () => undefined))));
    if (sizes.some((size) => size === undefined)) {
      throw new BatchGradError('INVALID_OPTION', '--cache needs files whose size is known (not stdin or folders), to say how much memory it takes', { option: 'cache' });
    }
    const total = sizes.reduce((a, b) => a! + b!, 0)!;
    const sample = new Uint8Array(Math.min(1 << 20, sizes[0]!));
    const handle = await open(options.inputs[0]!, 'r');
    await handle.read(sample, 0, sample.length, 0).finally(() => handle.close());
    const lines = Math.max(1, sample.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0));
    const columns = Buffer.from(sample.subarray(0, sample.indexOf(0x0a) >= 0 ? sample.indexOf(0x0a) : sample.length)).toString('utf8').split(options.delimiter).length;
    const rows = Math.ceil((total * lines) / Math.max(1, sample.length));
    const estimate = { rows, bytes: rows * columns * 8, available: freemem() };
    tell?.(estimate);
    if (estimate.bytes > CACHE_SHARE * estimate.available) {
      throw new BatchGradError('CACHE_TOO_LARGE', `--cache would keep about ${mib(estimate.bytes)} MiB of model inputs (${rows.toLocaleString('en')} rows), more than half the ${mib(estimate.available)} MiB free; fit without --cache streams the file instead`, {
        option: 'cache',
      });
    }
    return new InputCache();
  }

  /** From the first pass: one batch's model inputs, in order. */
  readonly add = (job: JobSpec, columns: Float64Array[], rows: number): void => {
    this.job ??= job;
    this.batches.push({ columns, rows });
  };

  /** A pass over the cached inputs with `params`: the summary a streamed pass would give. */
  async pass(engine: Engine, params: Readonly<Record<string, number>>, signal?: AbortSignal): Promise<RunSummary> {
    const job = this.job!;
    const first = job.tape.inputs.length - job.tape.params.length;
    const tape = { ...job.tape, params: job.tape.inputs.slice(first).map((name) => params[name] ?? 0) };
    const withParams: JobSpec = { ...job, tape };
    const summary = new SummaryAccumulator(summedColumnNames(withParams), modelFacts(withParams));
    const batches = (async function* (list) {
      yield* list.entries();
    })(this.batches);
    const compute = async ([k, batch]: [number, { columns: Float64Array[]; rows: number }]): Promise<void> => {
      const response = await engine.runSums(tape, job.gradientOrder, batch.columns, batch.rows, signal);
      this.batches[k] = { columns: response.columns, rows: batch.rows };
      summary.add({ read: batch.rows, written: batch.rows, rejected: 0, sums: response.sums });
    };
    for await (const _ of orderedMap(batches, compute, 2 * engine.threads)) void _;
    return summary.result('<cache>', '<none>');
  }
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
