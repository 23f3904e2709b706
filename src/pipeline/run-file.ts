/**
 * Inputs to outputs: what the CLI and runFile do. It cuts the job into the parts this run reads (files,
 * folders, a shard), opens every output, runs each part's source through the one run (run.ts) on one
 * pool, writes each result in order through the output format's writer, waiting whenever the output is
 * full, and adds every part into one summary. A failed or interrupted run removes its temporary outputs
 * and leaves nothing that looks finished.
 */
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { csvField } from '../compute/csv/csv-field.js';
import { encodingOf } from '../compute/formats.js';
import type { JobSpec } from '../compute/job/job.js';
import type { RejectedRow } from '../compute/task-result.js';
import { abortable } from '../engine/abort.js';
import type { Engine } from '../engine/engine.js';
import { BatchGradError } from '../errors.js';
import { type FormatWriter, formatWriter } from './io/format-writers.js';
import { commitAll, type Output, openOutput } from './io/output.js';
import { refuseClashingPaths } from './io/output-paths.js';
import { Progress } from './io/progress.js';
import { jobFor, startRun } from './run.js';
import type { InputFile, RunPlan } from './run-plan.js';
import { type InputPart, inputParts } from './shards/input-parts.js';
import { computesHere, RANGE_BYTES } from './sizing.js';
import { openSource } from './sources/open-source.js';
import { jobFingerprint, type RunSummary, SummaryAccumulator, summaryJson } from './summary.js';

export interface RunIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Where progress goes, when asked for. */
  readonly stderr: Writable;
}

const processIo = (): RunIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

/** Run a settled plan on an engine's pool (the engine's thread count wins over plan.threads). */
export async function runFileWith(engine: Engine, plan: RunPlan, io: RunIo = processIo()): Promise<RunSummary> {
  engine.assertOpen();
  const discard = plan.discardOutput === true;
  await refuseClashingPaths(plan.inputs, [
    ['out', discard ? undefined : plan.output],
    ['rejects', plan.rejects],
    ['summary', plan.summary],
  ]);
  // A run that will use the pool starts it now: its threads boot while the outputs are opened and the
  // input is sniffed. One that fits on this thread (a small CSV) never starts it, and its sources see that.
  if (usesPool(engine, plan.files)) void engine.start().catch(() => undefined);
  const parts = await inputParts(plan.files, plan.shard, plan.delimiter, plan.header);
  // Every output is opened (as a temporary file beside its target) before anything is computed, so a
  // folder that cannot be written fails the run at once, and none of them is in place until all are done.
  const outputs: Output[] = [];
  const open = async (path: string | undefined): Promise<Output | undefined> => {
    if (path === undefined) return undefined;
    const output = await openOutput(path, io.stdout);
    outputs.push(output);
    return output;
  };
  const totalBytes = parts.every((part) => part.size !== undefined)
    ? parts.reduce((sum, part) => sum + partBytes(part), 0)
    : undefined;
  const progress = new Progress(plan.progress ? io.stderr : undefined, totalBytes);
  try {
    const output = discard ? undefined : (await open(plan.output))!;
    const rejects = await open(plan.rejects);
    const summaryOutput = await open(plan.summary);
    const write = (out: Output, bytes: Uint8Array, written?: () => void): Promise<void> =>
      abortable(out.write(bytes, written), plan.signal);
    if (rejects) await write(rejects, Buffer.from(rejectsHeader(parts[0]?.format)));
    const outputEncoding = {
      encoding: discard ? ('none' as const) : encodingOf(plan.to),
      delimiter: plan.outputDelimiter,
      compression: plan.compression,
    };
    let first: { job: JobSpec; label: string } | undefined;
    let writer: FormatWriter | undefined;
    let totals: SummaryAccumulator | undefined;
    let bytesDone = 0;
    for (const part of parts) {
      const source = await openSource(engine, part, plan, io.stdin);
      try {
        const job = jobFor(source.header, {
          ...plan,
          file: part.label,
          collectRejects: plan.rejects !== undefined,
          keepInputs: plan.onInputs !== undefined,
          outputEncoding,
        });
        if (first === undefined) {
          first = { job, label: part.label };
          // A shard after the first writes no header, so that its parts concatenated are the whole output.
          const header = plan.shard === undefined || plan.shard.index === 1;
          writer = output === undefined ? DISCARDING : formatWriter(plan.to, output, job, header);
          totals = SummaryAccumulator.forJob(job);
        } else if (!sameJob(first.job, job)) {
          throw new BatchGradError(
            'HEADER_INVALID',
            `${part.label}: its columns (${job.header.join(', ')}) differ from those of ${first.label} (${first.job.header.join(', ')})`,
            {
              file: part.label,
            },
          );
        }
        const run = startRun(engine, source, job, plan.signal);
        for await (const result of run.results) {
          await abortable(
            writer!.write(result.output, () => run.release(result)),
            plan.signal,
          );
          if (rejects && result.rejects.length > 0) await write(rejects, rejectLines(result.rejects));
          if (result.inputs !== undefined) plan.onInputs?.(job, result.inputs, result.written);
          bytesDone += result.inputBytes;
          progress.update(totals!.counts.read + run.summary.counts.read, bytesDone);
        }
        totals!.addAll(run.summary);
      } finally {
        await source.close();
      }
    }
    await abortable(writer!.finish(), plan.signal);
    const partFacts = {
      fingerprint: jobFingerprint(
        first!.job,
        plan.files.map((file) => ({ name: basename(file.path), size: file.size })),
      ),
      ...(plan.shard === undefined ? {} : { shard: plan.shard }),
    };
    const summary = totals!.result(
      plan.inputs.join(', ') === '-' ? '<stdin>' : plan.inputs.join(', '),
      plan.output === '-' ? '<stdout>' : plan.output,
      partFacts,
    );
    if (summaryOutput) await write(summaryOutput, Buffer.from(summaryJson(summary)));
    await commitAll([output, rejects, summaryOutput]);
    return summary;
  } catch (error) {
    for (const output of outputs) await output.abort();
    throw error;
  } finally {
    progress.finish();
  }
}

/**
 * Whether a run's files are read on the pool: any columnar one, or CSV files of more than a range together
 * that this thread does not take on (sizing.ts).
 */
function usesPool(engine: Engine, files: readonly InputFile[]): boolean {
  const csv = files.filter((file) => file.format === 'csv' || file.format === 'tsv');
  const csvBytes = csv.reduce((sum, file) => sum + (file.size ?? 0), 0);
  return csv.length < files.length || (csvBytes > RANGE_BYTES && !computesHere(engine, csvBytes));
}

/** Where a pass that wants only the sums writes: nowhere. */
const DISCARDING: FormatWriter = {
  write: async (_bytes, written) => written?.(),
  finish: async () => {},
};

const sameJob = (a: JobSpec, b: JobSpec): boolean =>
  JSON.stringify([a.header, a.tape]) === JSON.stringify([b.header, b.tape]);

/** The input bytes a part stands for (for progress). */
const partBytes = (part: InputPart): number => (part.range ? part.range.end - part.range.start : (part.size ?? 0));

/**
 * A rejected row is located by its line in a text input, by its row (1-based, in the file) in a Parquet or
 * Arrow input, which has no lines; its values are then the columns that were read.
 */
const rejectsHeader = (format: string | undefined): string =>
  format === 'parquet' || format === 'arrow' || format === 'arrows'
    ? 'row,code,reason,values\n'
    : 'line,code,reason,row\n';

/** Rejected rows as CSV: line (or row), code, reason, row text. */
function rejectLines(rows: readonly RejectedRow[]): Uint8Array {
  return Buffer.from(
    rows.map((r) => `${r.line},${r.code},${csvField(r.reason, ',')},${csvField(r.text, ',')}\n`).join(''),
  );
}
