/**
 * runFile: a file (or files, a folder, stdin) to a file (or stdout), exactly what the CLI does. Its options
 * are checked here, at the door; the pipeline receives them settled.
 */
import type { Engine } from '../engine/engine.js';
import { type RunIo, runFileWith } from '../pipeline/run-file.js';
import type { RunPlan } from '../pipeline/run-plan.js';
import type { RunSummary } from '../pipeline/summary.js';
import { withEngine } from './engines.js';
import { formulaOf, type ModelChoice } from './options/model-choice.js';
import { checkKeys } from './options/option-keys.js';
import { type RunOptionsInput, settleRunOptions } from './options/run-options.js';

export type { RunIo } from '../pipeline/run-file.js';
export type { ColumnTotals, RunSummary } from '../pipeline/summary.js';
export { formatSummaryTable } from '../pipeline/summary-table.js';
export type { RunOptionsInput } from './options/run-options.js';

export interface RunFileOptions extends RunOptionsInput {
  /** A formula (the same as `expr`). */
  readonly model?: ModelChoice;
}

/** The options of runFile, engine.runFile or fit's passes, settled (each entry point checks its keys first). */
export function runPlanOf(options: RunFileOptions): Promise<RunPlan> {
  const { model: _model, ...rest } = options;
  return settleRunOptions({ ...rest, expr: formulaOf(options) });
}

/** Run on a pool of its own, closed at the end. */
export async function runFile(options: RunFileOptions, io?: RunIo): Promise<RunSummary> {
  checkKeys('runFile()', options);
  const plan = await runPlanOf(options);
  return withEngine(plan.threads, (engine) => runFileWith(engine, plan, io));
}

/** Run on an engine's pool (whose thread count wins). */
export async function runFileOn(engine: Engine, options: RunFileOptions, io?: RunIo): Promise<RunSummary> {
  checkKeys('engine.runFile()', options);
  return runFileWith(engine, { ...(await runPlanOf(options)), threads: engine.threads }, io);
}
