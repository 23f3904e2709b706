/**
 * A run's options as a caller gives them, settled into the plan the pipeline runs (pipeline/run-plan.ts):
 * every value checked, every default chosen, every input file found and its format decided, once.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_COMPRESSION,
  type Format,
  PARQUET_COMPRESSIONS,
  type ParquetCompression,
} from '../../compute/formats.js';
import { BatchGradError } from '../../errors.js';
import type { InputFile, RunPlan, Shard } from '../../pipeline/run-plan.js';
import { batchSizeOf, delimiterOf, invalid, namesOf, onErrorOf, threadsOf } from './checks.js';
import { formatOf } from './format-of.js';
import { type TrainingInput, trainingOf } from './training.js';

export type RunOptionsInput = Partial<
  Pick<
    RunPlan,
    | 'threads'
    | 'batchSize'
    | 'expr'
    | 'summary'
    | 'delimiter'
    | 'onError'
    | 'rejects'
    | 'progress'
    | 'signal'
    | 'to'
    | 'header'
  >
> &
  TrainingInput & {
    /** A path, '-' for stdin, or several paths (files or folders) read as one dataset. */
    input: string | readonly string[];
    output: string;
    /** The input's format (default: by each file's extension; CSV for stdin). */
    from?: Format;
    keep?: readonly string[] | string;
    /** 'k/N' or { index: k, count: N }. */
    shard?: string | Shard;
    columns?: readonly string[] | string;
    /** Parquet output's codec (default snappy). */
    compression?: ParquetCompression;
  };

/** `k/N` with 1 <= k <= N. */
function shardOf(value: unknown): Shard | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value) : undefined;
  const shard = match ? { index: Number(match[1]), count: Number(match[2]) } : (value as Shard);
  if (
    typeof shard !== 'object' ||
    shard === null ||
    !Number.isInteger(shard.index) ||
    !Number.isInteger(shard.count) ||
    shard.count < 1 ||
    shard.index < 1 ||
    shard.index > shard.count
  ) {
    return invalid('shard', 'k/N with 1 <= k <= N, e.g. 3/8', value);
  }
  return { index: shard.index, count: shard.count };
}

export async function settleRunOptions(input: RunOptionsInput): Promise<RunPlan> {
  const inputs = typeof input.input === 'string' ? [input.input] : [...(input.input ?? [])];
  if (inputs.length === 0 || inputs.some((path) => typeof path !== 'string' || path === ''))
    invalid('input', 'a file path, or - for stdin', input.input);
  if (inputs.length > 1 && inputs.includes('-')) invalid('input', 'files, or - alone for stdin', input.input);
  if (typeof input.output !== 'string' || input.output === '')
    invalid('out', 'a file path, or - for stdout', input.output);
  const keep =
    typeof input.keep === 'string'
      ? input.keep
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : [...(input.keep ?? [])];
  const onError = onErrorOf(input.onError);
  const files = await inputFiles(inputs, input.from);
  // Defaults that follow the input's format (a TSV's tab) follow its first file's.
  const from = files[0]!.format;
  const header = input.header ?? true;
  const columns = namesOf('columns', input.columns);
  if (columns !== undefined && header)
    invalid('columns', '--no-header (it names the columns of input that has no header row)', input.columns);
  if (!header && columns === undefined && (from === 'csv' || from === 'tsv'))
    invalid('no-header', '--columns, the names of the columns', input.columns);
  const to = formatOf('to', input.output, input.to);
  if (input.compression !== undefined && !(PARQUET_COMPRESSIONS as readonly unknown[]).includes(input.compression)) {
    invalid('compression', PARQUET_COMPRESSIONS.join(', '), input.compression);
  }
  if (input.compression !== undefined && to !== 'parquet')
    invalid('compression', 'a Parquet output (a .parquet name or --to parquet)', input.compression);
  // TSV is tab-delimited unless -d says otherwise. CSV output keeps the input's delimiter when the input is
  // CSV, or TSV written to stdout with no --to (the output mirrors the input).
  const delimiter = input.delimiter === undefined && from === 'tsv' ? '\t' : delimiterOf(input.delimiter);
  const mirrors = from === 'csv' || (from === 'tsv' && input.output === '-' && input.to === undefined);
  const outputDelimiter = to === 'tsv' ? '\t' : mirrors ? delimiter : ',';
  if (input.rejects !== undefined && onError !== 'skip')
    invalid('rejects', '--on-error skip (only skipped rows are rejected)', input.rejects);
  if (input.expr !== undefined && (typeof input.expr !== 'string' || input.expr.trim() === ''))
    invalid('expr', 'a formula such as "w*x + b"', input.expr);
  const batchSize = input.batchSize === undefined ? undefined : batchSizeOf(input.batchSize);
  const shard = shardOf(input.shard);
  const training = trainingOf(input);
  return {
    inputs,
    files,
    shard,
    header,
    columns,
    output: input.output,
    threads: input.threads === undefined ? undefined : threadsOf(input.threads),
    batchSize,
    expr: input.expr,
    keep,
    summary: input.summary,
    delimiter,
    onError,
    rejects: input.rejects,
    progress: input.progress ?? false,
    signal: input.signal,
    training,
    to,
    outputDelimiter,
    compression: input.compression ?? DEFAULT_COMPRESSION,
  };
}

/** Every file of the inputs, folders expanded, each with its format (by --from, else its extension) and size. */
async function inputFiles(inputs: readonly string[], from: Format | undefined): Promise<InputFile[]> {
  const paths = (await Promise.all(inputs.map(expand))).flat();
  return Promise.all(
    paths.map(async (path) => ({
      path,
      format: formatOf('from', path, from),
      size: path === '-' ? undefined : await regularSize(path),
    })),
  );
}

/** A folder's data files, in name order: hidden files and Spark's _SUCCESS and _metadata are not data. */
async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() !== true) return [path];
  const names = (await readdir(path)).filter((name) => !name.startsWith('.') && !name.startsWith('_')).sort();
  if (names.length === 0)
    throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${path}: the folder holds no data files`, { file: path });
  return names.map((name) => join(path, name));
}

const regularSize = async (path: string): Promise<number | undefined> => {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true ? info.size : undefined;
};
