/**
 * The summaries of a job's shards added into the summary of the whole job, exactly: counts are added,
 * and each column's exact sum (its partials) is added and rounded once, so the merged sums and means are
 * the same bits as one run over all the data. The parts must be one job (the same fingerprint) and every
 * shard 1..N present once.
 */
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { BatchGradError } from '../errors.js';
import { commitAll, openOutput } from './io/output.js';
import { refuseClashingPaths } from './io/output-paths.js';
import { exactSumState, type RunSummary, SummaryAccumulator, summaryJson } from './summary.js';

interface Part {
  readonly path: string;
  readonly summary: RunSummary & Required<Pick<RunSummary, 'fingerprint' | 'shard'>>;
}

async function readPart(path: string): Promise<Part> {
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(path, 'utf8')) as RunSummary;
  } catch (error) {
    throw new BatchGradError('MERGE_PART_INVALID', `${path}: cannot read it as JSON (${(error as Error).message})`, {
      file: path,
    });
  }
  const shard = summary?.shard;
  const columns = summary?.columns === undefined ? [] : Object.values(summary.columns);
  if (
    typeof summary?.fingerprint !== 'string' ||
    shard === undefined ||
    !Number.isInteger(shard.index) ||
    !Number.isInteger(shard.count) ||
    columns.some((column) => !Array.isArray(column?.exact?.partials))
  ) {
    throw new BatchGradError(
      'MERGE_PART_INVALID',
      `${path}: not the summary of a shard (run with --shard k/N --summary)`,
      { file: path },
    );
  }
  return { path, summary: summary as Part['summary'] };
}

export interface MergeOptions {
  /** Also write the merged summary as JSON to this file, or '-' for stdout. */
  readonly summary?: string;
  /** Where '-' writes (process.stdout by default). */
  readonly stdout?: Writable;
}

export async function mergeSummaries(paths: readonly string[], options: MergeOptions = {}): Promise<RunSummary> {
  if (paths.length === 0)
    throw new BatchGradError('INVALID_OPTION', "merge needs the shards' summaries", { option: 'parts' });
  const parts = await Promise.all(paths.map(readPart));
  const [first] = parts as [Part, ...Part[]];
  const count = first.summary.shard.count;
  for (const part of parts) {
    if (part.summary.fingerprint !== first.summary.fingerprint || part.summary.shard.count !== count) {
      throw new BatchGradError(
        'MERGE_PART_FOREIGN',
        `${part.path} is not a shard of the same job as ${first.path} (${part.summary.shard.count === count ? 'its model, columns, options or inputs differ' : `it is one of ${part.summary.shard.count} shards, not ${count}`})`,
        {
          file: part.path,
        },
      );
    }
  }
  const seen = new Map<number, string>();
  for (const part of parts) {
    const earlier = seen.get(part.summary.shard.index);
    if (earlier !== undefined) {
      throw new BatchGradError(
        'MERGE_PART_REPEATED',
        `shard ${part.summary.shard.index}/${count} is given twice: ${earlier} and ${part.path}`,
        { file: part.path },
      );
    }
    seen.set(part.summary.shard.index, part.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) {
    throw new BatchGradError(
      'MERGE_PART_MISSING',
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} of the job ${missing.length === 1 ? 'has' : 'have'} no summary among those given`,
      {},
    );
  }

  parts.sort((a, b) => a.summary.shard.index - b.summary.shard.index);
  const names = Object.keys(first.summary.columns);
  const { params, loss, classes, fingerprint, input } = first.summary;
  const totals = new SummaryAccumulator(names, {
    ...(params === undefined ? {} : { params }),
    ...(loss === undefined ? {} : { loss }),
    ...(classes === undefined ? {} : { classes }),
  });
  for (const { summary } of parts)
    totals.add({ ...summary.rows, sums: names.map((name) => exactSumState(summary.columns[name]!.exact)) });
  const merged = totals.result(input, parts.map((part) => part.summary.output).join(', '), { fingerprint });
  if (options.summary !== undefined)
    await writeSummary(merged, options.summary, paths, options.stdout ?? process.stdout);
  return merged;
}

/** The merged summary, written as a run writes its own: atomically, never over one of the parts. */
async function writeSummary(
  summary: RunSummary,
  path: string,
  parts: readonly string[],
  stdout: Writable,
): Promise<void> {
  await refuseClashingPaths(parts, [['summary', path]]);
  const output = await openOutput(path, stdout);
  try {
    await output.write(Buffer.from(summaryJson(summary)));
    await commitAll([output]);
  } catch (error) {
    await output.abort();
    throw error;
  }
}
