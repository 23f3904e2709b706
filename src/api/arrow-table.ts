/**
 * Arrow in, Arrow out, for pipelines that already hold Arrow: a Table (or record batches) of inputs gives a
 * Table (or record batches) of results, computed on the worker pool like a file. The result columns are
 * those of a file run (kept columns with their types, f, then the gradients), non-nullable float64.
 */
import type { RecordBatch, Table } from 'apache-arrow';
import { userArrow } from '../compute/columnar/libraries.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import { jobFor, startRun } from '../pipeline/run.js';
import { recordBatches } from '../pipeline/sources/arrow.js';
import type { RunSummary } from '../pipeline/summary.js';
import { type GradientChoices, type GradientOptions, gradientChoices } from './gradient-options.js';

/** The result batches for `batches` (all with `schema`'s columns), in order, and the summary at the end. */
export async function* arrowResults(
  engine: Engine,
  header: readonly string[],
  batches: AsyncIterable<RecordBatch>,
  choices: GradientChoices,
  signal: AbortSignal | undefined,
  done: (summary: RunSummary) => void,
): AsyncGenerator<RecordBatch> {
  engine.assertOpen();
  void engine.start().catch(() => undefined);
  const source = await recordBatches(engine, header, batches, {
    file: '<arrow>',
    batchSize: choices.batchSize,
    signal,
  });
  const run = startRun(
    engine,
    source,
    jobFor(header, {
      ...choices,
      file: '<arrow>',
      delimiter: ',',
      outputEncoding: { encoding: 'arrow', delimiter: ',' },
    }),
    signal,
  );
  const { tableFromIPC } = await userArrow();
  for await (const result of run.results) {
    for (const rejected of result.rejects) choices.onReject?.(rejected);
    yield* tableFromIPC(result.output).batches;
  }
  done(run.summary.result('<arrow>', '<arrow>'));
}

/**
 * A whole Arrow table of inputs to a table of results; or Arrow IPC bytes (a file or stream) to IPC stream
 * bytes, which any version of apache-arrow, or another Arrow library, reads and writes.
 */
export async function tableOfGradients(engine: Engine, table: Table, options?: GradientOptions): Promise<Table>;
export async function tableOfGradients(
  engine: Engine,
  table: Uint8Array,
  options?: GradientOptions,
): Promise<Uint8Array>;
export async function tableOfGradients(
  engine: Engine,
  input: Table | Uint8Array,
  options: GradientOptions = {},
): Promise<Table | Uint8Array> {
  const { Table: ArrowTable, tableFromIPC, tableToIPC } = await userArrow();
  if (input instanceof Uint8Array)
    return tableToIPC(await tableOfGradients(engine, tableFromIPC(input), options), 'stream');
  if (!(input instanceof ArrowTable)) {
    // Arrow objects work only with the functions of the apache-arrow that made them: another copy's Table
    // would fail deep inside with a stack overflow.
    const kind =
      typeof input === 'object' && input !== null ? ((input as object).constructor?.name ?? 'object') : typeof input;
    throw new BatchGradError(
      'INVALID_OPTION',
      `gradientsTable() needs a Table made by batch-grad's own apache-arrow, or Arrow IPC bytes; got a ${kind} from another copy or version. Pass tableToIPC(table) from your apache-arrow, and read the result with tableFromIPC`,
      {
        value: kind,
      },
    );
  }
  const table = input;
  const batches: RecordBatch[] = [];
  const header = table.schema.fields.map((field) => field.name);
  const source = (async function* () {
    yield* table.batches;
  })();
  for await (const batch of arrowResults(
    engine,
    header,
    source,
    gradientChoices(options),
    options.signal,
    () => undefined,
  ))
    batches.push(batch);
  return batches.length > 0 ? new ArrowTable(batches) : new ArrowTable();
}
