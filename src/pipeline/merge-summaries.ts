/**
 * The summaries of a job's shards added into the summary of the whole job, exactly: counts are added,
 * and each column's exact sum (its partials) is added and rounded once, so the merged sums and means are
 * the same bits as one run over all the data. The parts must be one job (the same fingerprint) and every
 * shard 1..N present once.
 */
import { readFile } from 'node:fs/promises';
import { ExactSum } from '../compute/exact-sum.js';
import { BatchGradError } from '../errors.js';
import { exactSumJson, exactSumState, type ColumnTotals, type RunSummary } from './summary.js';

interface Part {
  readonly path: string;
  readonly summary: RunSummary & Required<Pick<RunSummary, 'fingerprint' | 'shard'>>;
}

async function readPart(path: string): Promise<Part> {
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(path, 'utf8')) as RunSummary;
  } catch (error) {
    throw new BatchGradError('MERGE_PART_INVALID', `${path}: cannot read it as JSON (${(error as Error).message})`, { file: path });
  }
  const shard = summary?.shard;
  const columns = summary?.columns === undefined ? [] : Object.values(summary.columns);
  if (typeof summary?.fingerprint !== 'string' || shard === undefined || !Number.isInteger(shard.index) || !Number.isInteger(shard.count)
    || columns.some((column) => !Array.isArray(column?.exact?.partials))) {
    throw new BatchGradError('MERGE_PART_INVALID', `${path}: not the summary of a shard (run with --shard k/N --summary)`, { file: path });
  }
  return { path, summary: summary as Part['summary'] };
}

export async function mergeSummaries(paths: readonly string[]): Promise<RunSummary> {
  if (paths.length === 0) throw new BatchGradError('INVALID_OPTION', 'merge needs the shards\' summaries', { option: 'parts' });
  const parts = await Promise.all(paths.map(readPart));
  const [first] = parts as [Part, ...Part[]];
  const count = first.summary.shard.count;
  for (const part of parts) {
    if (part.summary.fingerprint !== first.summary.fingerprint || part.summary.shard.count !== count) {
      throw new BatchGradError('MERGE_PART_FOREIGN', `${part.path} is not a shard of the same job as ${first.path} (${part.summary.shard.count === count ? 'its model, columns, options or inputs differ' : `it is one of ${part.summary.shard.count} shards, not ${count}`})`, {
        file: part.path,
      });
    }
  }
  const seen = new Map<number, string>();
  for (const part of parts) {
    const earlier = seen.get(part.summary.shard.index);
    if (earlier !== undefined) {
      throw new BatchGradError('MERGE_PART_REPEATED', `shard ${part.summary.shard.index}/${count} is given twice: ${earlier} and ${part.path}`, { file: part.path });
    }
    seen.set(part.summary.shard.index, part.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) {
    throw new BatchGradError('MERGE_PART_MISSING', `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} of the job ${missing.length === 1 ? 'has' : 'have'} no summary among those given`, {});
  }

  parts.sort((a, b) => a.summary.shard.index - b.summary.shard.index);
  const rows = { read: 0, written: 0, rejected: 0 };
  const names = Object.keys(first.summary.columns);
  const sums = names.map(() => new ExactSum());
  for (const { summary } of parts) {
    rows.read += summary.rows.read;
    rows.written += summary.rows.written;
    rows.rejected += summary.rows.rejected;
    names.forEach((name, k) => sums[k]!.addState(exactSumState(summary.columns[name]!.exact)));
  }
  const columns: Record<string, ColumnTotals> = {};
  names.forEach((name, k) => {
    const sum = sums[k]!.value();
    columns[name] = { sum, mean: rows.written === 0 ? null : sum / rows.written, exact: exactSumJson(sums[k]!.state()) };
  });
  const { shard: _shard, rows: _rows, columns: _columns, output: _output, ...rest } = first.summary;
  return { ...rest, output: parts.map((part) => part.summary.output).join(', '), rows, columns };
}
