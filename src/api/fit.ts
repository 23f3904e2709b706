/**
 * `fit`: the parameters that minimise mean loss + (l2/2)||weights||^2 over a dataset (the bias `b` is not
 * penalised, as in scikit-learn and Spark MLlib), by L-BFGS. Each evaluation of the objective is one pass of
 * the engine over the data, streamed from the file (flat memory, any size) or, with `cache`, over the model
 * inputs kept in memory after the first pass. Every sum is exact, so the whole path, every iterate, is the
 * same bits for any thread count, batch size or shard split.
 */

import type { JobSpec } from '../compute/job/job.js';
import { weightName } from '../core/logistic.js';
import { lbfgs } from '../core/optimize/lbfgs.js';
import { levenbergMarquardt } from '../core/optimize/levenberg-marquardt.js';
import { newton } from '../core/optimize/newton.js';
import type { IterationLog, OptimizeResult, StopStatus } from '../core/optimize/outcome.js';
import { interrupted } from '../engine/abort.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import { commitAll, openOutput } from '../pipeline/io/output.js';
import { refuseClashingPaths } from '../pipeline/io/output-paths.js';
import { startRun } from '../pipeline/run.js';
import { type RunIo, runFileWith } from '../pipeline/run-file.js';
import type { RunPlan } from '../pipeline/run-plan.js';
import type { CachedColumns } from '../pipeline/sources/cached-columns.js';
import type { RunSummary } from '../pipeline/summary.js';
import { engineOf } from './engines.js';
import { type CacheEstimate, cacheFor } from './fit-cache.js';
import { type FitMethod, type FitSettingsInput, fitSettingsOf, methodFor } from './options/fit-settings.js';
import { checkKeys } from './options/option-keys.js';
import { type RunFileOptions, runPlanOf } from './run-file.js';

export type { IterationLog } from '../core/optimize/outcome.js';
export type { CacheEstimate } from './fit-cache.js';

export type FitOptions = Omit<RunFileOptions, 'output' | 'summary' | 'wrt' | 'to' | 'shard' | 'keep' | 'compression'> &
  FitSettingsInput & {
    /** Where to write the result as JSON (model.json), or '-' for stdout. */
    readonly out?: string;
    /** Called after every iteration, e.g. for a progress line. */
    readonly onIteration?: (entry: IterationLog) => void;
    /** With `cache`: told, before the first pass, how much memory the cache will take. */
    readonly onCacheEstimate?: (estimate: CacheEstimate) => void;
  };

export interface FitResult {
  /** The fitted parameters, by name: give them back as `params` (or --params model.json). */
  readonly params: Record<string, number>;
  /** The objective at the result: mean loss + (l2/2)||weights||^2. */
  readonly loss: number;
  /** The mean loss alone. */
  readonly meanLoss: number;
  /** The objective's gradient at the result, by parameter, and its largest component. */
  readonly gradient: Record<string, number>;
  readonly gradientNorm: number;
  /** How it stepped: newton, lm (Levenberg–Marquardt) or lbfgs. */
  readonly method: FitMethod;
  readonly iterations: number;
  /** Passes over the data. */
  readonly evaluations: number;
  readonly status: StopStatus;
  /** With --loss softmax: the classes, in the order of their parameters (given, or found by the fit). */
  readonly classes?: readonly string[];
  /** Why it stopped. */
  readonly message: string;
  readonly rows: { readonly used: number; readonly rejected: number };
  readonly l2: number;
  readonly log: readonly IterationLog[];
}

export async function fit(input: FitOptions, io?: RunIo): Promise<FitResult> {
  checkKeys('fit()', input);
  const {
    out,
    onIteration,
    onCacheEstimate,
    l2,
    maxIterations,
    tolerance,
    history,
    cache: cacheChoice,
    method: methodChoice,
    ...runInput
  } = input;
  const settings = fitSettingsOf({ l2, maxIterations, tolerance, history, cache: cacheChoice, method: methodChoice });
  const given: RunPlan = { ...(await runPlanOf({ ...runInput, output: '-' })), discardOutput: true };
  if (given.training.loss === undefined)
    throw new BatchGradError('INVALID_OPTION', 'fit needs a loss to minimise: give --label and --loss', {
      option: 'loss',
    });
  if (given.training.wrt !== undefined)
    throw new BatchGradError(
      'INVALID_OPTION',
      'fit takes the gradient with respect to every parameter; --wrt does not apply',
      { option: 'wrt' },
    );
  await refuseClashingPaths(given.inputs, [
    ['out', out],
    ['rejects', given.rejects],
  ]);
  const { signal } = given;
  const engine = engineOf(given.threads);
  const output = out === undefined ? undefined : await openOutput(out, (io ?? { stdout: process.stdout }).stdout);
  try {
    const options = await withClasses(engine, given, io);
    const method = methodFor(settings.method, options.training.loss!, parameterCount(options));
    const curvature = method !== 'lbfgs';
    // The biases are not penalised: b, or softmax's b_<class>.
    const { loss, classes } = options.training;
    const biases = new Set(loss === 'softmax' ? (classes ?? []).map((c) => `b_${c}`) : ['b']);
    const isPenalised = (name: string): boolean => !biases.has(name);
    // Pass 1 at the starting values: it names the parameters, counts the rows, writes any rejects, and with
    // `cache` keeps each batch's model inputs for the passes after it.
    const cache = settings.cache ? await cacheFor(options, onCacheEstimate) : undefined;
    const first = await runFileWith(
      engine,
      { ...options, training: { ...options.training, curvature }, ...(cache ? { onInputs: cache.add } : {}) },
      io,
    );
    const names = Object.keys(first.params ?? {});
    if (names.length === 0) {
      throw new BatchGradError(
        'INVALID_OPTION',
        "fit needs parameters to fit: give --features, or --param for the formula's parameters",
        { option: 'param' },
      );
    }
    const n = first.rows.written;
    if (n === 0) throw new BatchGradError('HEADER_INVALID', 'fit found no rows to fit', {});

    const passAt = async (x: Float64Array): Promise<RunSummary> => {
      const params = { ...options.training.params, ...Object.fromEntries(names.map((name, k) => [name, x[k]!])) };
      if (signal?.aborted) throw interrupted(signal);
      if (cache !== undefined) return cachedPass(engine, cache.jobWith(params, curvature), cache, signal);
      // Rows are rejected (and counted) by the first pass; later ones skip the same rows silently.
      const training = { ...options.training, params, curvature };
      return runFileWith(engine, { ...options, rejects: undefined, training }, io);
    };
    const objective = (
      summary: RunSummary,
      x: Float64Array,
    ): { value: number; gradient: Float64Array; hessian: Float64Array; mean: number } => {
      const mean = summary.columns.loss!.sum / n;
      let penalty = 0;
      const gradient = Float64Array.from(names, (name, k) => {
        const g = summary.columns[`dloss_d${name}`]!.sum / n;
        if (!isPenalised(name)) return g;
        penalty += x[k]! * x[k]!;
        return g + settings.l2 * x[k]!;
      });
      return { value: mean + 0.5 * settings.l2 * penalty, gradient, hessian: hessianOf(summary), mean };
    };
    // The curvature sums' upper triangle, filled both ways, divided by n, plus l2 on the penalised diagonal.
    const p = names.length;
    const hessianOf = (summary: RunSummary): Float64Array => {
      const h = new Float64Array(curvature ? p * p : 0);
      if (!curvature) return h;
      for (let a = 0; a < p; a++) {
        for (let b = a; b < p; b++) {
          const value = summary.columns[`d2loss_d${names[a]}_d${names[b]}`]!.sum / n;
          h[a * p + b] = h[b * p + a] = value + (a === b && isPenalised(names[a]!) ? settings.l2 : 0);
        }
      }
      return h;
    };
    const x0 = Float64Array.from(names, (name) => first.params![name]!);
    // The mean loss of every point evaluated, to report the result's without another pass.
    const means = new Map<string, number>();
    const key = (x: Float64Array): string => JSON.stringify(Array.from(x, (v) => (Object.is(v, -0) ? '-0' : v)));
    let passes = 0;
    const evaluate = async (x: Float64Array) => {
      const value = objective(passes++ === 0 ? first : await passAt(x), x);
      means.set(key(x), value.mean);
      return value;
    };
    const stopping = {
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      ...(onIteration ? { onIteration } : {}),
    };
    const result: OptimizeResult =
      method === 'newton'
        ? await newton(evaluate, x0, stopping)
        : method === 'lm'
          ? await levenbergMarquardt(evaluate, x0, stopping)
          : await lbfgs(evaluate, x0, { ...stopping, history: settings.history });
    const fitted: FitResult = {
      params: Object.fromEntries(names.map((name, k) => [name, result.x[k]!])),
      loss: result.value,
      meanLoss: means.get(key(result.x))!,
      gradient: Object.fromEntries(names.map((name, k) => [name, result.gradient[k]!])),
      gradientNorm: result.gradientNorm,
      method,
      ...(classes === undefined ? {} : { classes }),
      iterations: result.iterations,
      evaluations: result.evaluations,
      status: result.status,
      message: result.message,
      rows: { used: n, rejected: first.rows.rejected },
      l2: settings.l2,
      log: result.log,
    };
    if (output !== undefined) {
      await output.write(Buffer.from(`${JSON.stringify(fitted, null, 2)}\n`));
      await commitAll([output]);
    }
    return fitted;
  } catch (error) {
    await output?.abort();
    throw error;
  } finally {
    await engine.close();
  }
}

/**
 * A softmax fit without --classes first reads its labels (a pass that computes nothing), and fits the
 * classes it found, in classOrder; any other fit's plan is as given.
 */
async function withClasses(engine: Engine, plan: RunPlan, io: RunIo | undefined): Promise<RunPlan> {
  const { loss, classes } = plan.training;
  if (loss !== 'softmax' || classes !== undefined) return plan;
  const look = await runFileWith(
    engine,
    { ...plan, rejects: undefined, training: { ...plan.training, findClasses: true } },
    io,
  );
  const found = look.labels ?? [];
  if (found.length < 2) {
    throw new BatchGradError(
      'LABEL_INVALID',
      `--loss softmax needs at least two classes; the label "${plan.training.label}" holds ${found.length === 0 ? 'none' : `only ${JSON.stringify(found[0])}`}`,
      { option: 'label' },
    );
  }
  return { ...plan, training: { ...plan.training, classes: found } };
}

/** The parameters a fit will fit, known before the first pass: the model's own, and those given. */
function parameterCount(plan: RunPlan): number {
  const { features, params, loss, classes } = plan.training;
  if (loss === 'softmax') return (classes?.length ?? 0) * ((features?.length ?? 0) + 1);
  const declared = features === undefined ? [] : [...features.map(weightName), 'b'];
  return new Set([...declared, ...Object.keys(params ?? {})]).size;
}

/** A pass over the cached inputs with a pass's job: the summary a streamed pass would give. */
async function cachedPass(
  engine: Engine,
  job: JobSpec,
  cache: CachedColumns,
  signal: AbortSignal | undefined,
): Promise<RunSummary> {
  const run = startRun(engine, cache.source(engine, signal), job, signal);
  for await (const _ of run.results) void _;
  return run.summary.result('<cache>', '<none>');
}
