/**
 * runFile: a file (or files, a folder, stdin) to a file (or stdout), exactly what the CLI does. Its options
 * are checked here, at the door; the pipeline receives them settled.
 */
import type { Engine } from '../engine/engine.js';
import { withEngine } from '../engine/engine.js';
import { normaliseRunOptions, type RunOptions, type RunOptionsInput } from '../pipeline/options.js';
import { runFileWith, type RunIo } from '../pipeline/run-file.js';
import type { RunSummary } from '../pipeline/summary.js';
import { formulaOf, type ModelChoice } from './model-choice.js';
import { checkKeys } from './option-keys.js';

export interface RunFileOptions extends RunOptionsInput {
  /** A formula (the same as `expr`). */
  readonly model?: ModelChoice;
}

/** The options of runFile, engine.runFile or fit's passes, settled (each entry point checks its keys first). */
export function runOptionsOf(options: RunFileOptions): RunOptions {
  const { model: _model, ...rest } = options;
  return normaliseRunOptions({ ...rest, expr: formulaOf(options) });
}

/** Run on a pool of its own, closed at the end. */
export async function runFile(options: RunFileOptions, io?: RunIo): Promise<RunSummary> {
  checkKeys('runFile()', options);
  const settled = runOptionsOf(options);
  return withEngine(settled.threads, (engine) => runFileWith(engine, settled, io));
}

/** Run on an engine's pool (whose thread count wins). */
export async function runFileOn(engine: Engine, options: RunFileOptions, io?: RunIo): Promise<RunSummary> {
  checkKeys('engine.runFile()', options);
  return runFileWith(engine, { ...runOptionsOf(options), threads: engine.threads }, io);
}
