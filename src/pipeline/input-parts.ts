/**
 * The parts a run reads, in order: each input file whole, or, with --shard k/N, the k-th of N parts of the
 * job. One file is cut at record boundaries: CSV and TSV by bytes (record-start.ts finds the exact cut
 * without reading what comes before it), JSON Lines by bytes at line ends, Parquet by row groups. Several
 * files (or a folder of them, as Spark and Hive write) are shared out whole. Every shard of a job computes
 * the same cuts, so every record belongs to exactly one shard.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Format } from '../compute/formats.js';
import { BatchGradError } from '../errors.js';
import { formatOf } from './formats.js';
import { parquetFooter } from './parquet-footer.js';
import { recordStartAtOrAfter } from './record-start.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface InputPart {
  /** A file path, or '-' for stdin. */
  readonly path: string;
  readonly format: Format;
  /** The input's name in messages. */
  readonly label: string;
  /** A byte range of a text file: its records in [start, end), and its header in [0, headerEnd). */
  readonly range?: { readonly start: number; readonly end: number; readonly headerEnd: number };
  /** Parquet row groups [from, to). */
  readonly rowGroups?: { readonly from: number; readonly to: number };
  /** The file's size, when it is a file. */
  readonly size: number | undefined;
}

/** A folder's data files, in name order: hidden files and Spark's _SUCCESS and _metadata are not data. */
async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() !== true) return [path];
  const names = (await readdir(path)).filter((name) => !name.startsWith('.') && !name.startsWith('_')).sort();
  if (names.length === 0) throw new BatchGradError('INPUT_NOT_FOUND', `cannot read ${path}: the folder holds no data files`, { file: path });
  return names.map((name) => join(path, name));
}

export interface InputPlan {
  /** What this run reads. */
  readonly parts: InputPart[];
  /** Every file of the job (all shards'), for the job's fingerprint. */
  readonly files: ReadonlyArray<{ readonly name: string; readonly size: number | undefined }>;
}

export async function inputPlan(inputs: readonly string[], from: Format | undefined, shard: Shard | undefined, delimiter: string, header: boolean): Promise<InputPlan> {
  const files = (await Promise.all(inputs.map(expand))).flat();
  const sized = await Promise.all(files.map(async (path) => ({
    path, format: formatOf('from', path, from), size: path === '-' ? undefined : (await stat(path).catch(() => undefined))?.size,
  })));
  const parts = await partsOf(sized, shard, delimiter, header);
  return { parts, files: sized.map((file) => ({ name: basename(file.path), size: file.size })) };
}

async function partsOf(
  sized: ReadonlyArray<{ path: string; format: Format; size: number | undefined }>, shard: Shard | undefined, delimiter: string, header: boolean,
): Promise<InputPart[]> {
  const whole = (file: (typeof sized)[number]): InputPart => ({ ...file, label: file.path === '-' ? '<stdin>' : file.path });
  if (shard === undefined) return sized.map(whole);
  if (sized.length > 1) {
    // Whole files to shards: files [floor((k-1)F/N), floor(kF/N)); a shard with none still reads the first
    // file's header (an empty range), so that its output and summary have the job's columns.
    const from_ = Math.floor(((shard.index - 1) * sized.length) / shard.count);
    const to = Math.floor((shard.index * sized.length) / shard.count);
    if (to > from_) return sized.slice(from_, to).map(whole);
    const first = sized[0]!;
    return [{ ...whole(first), range: { start: first.size ?? 0, end: first.size ?? 0, headerEnd: await headerEnd(first.path, first.format, delimiter, header) } }];
  }
  const file = sized[0]!;
  // stdin arrives already cut (a partition piped by Spark or Hadoop Streaming): --shard only says which
  // part it is, for the header and for merge.
  if (file.path === '-') return [whole(file)];
  if (file.size === undefined) {
    throw new BatchGradError('INVALID_OPTION', `--shard needs a regular file to cut; ${file.path} is not one`, { option: 'shard', file: file.path });
  }
  if (file.format === 'parquet') return [{ ...whole(file), rowGroups: await rowGroupsOf(file.path, shard) }];
  if (file.format === 'arrow' || file.format === 'arrows') {
    throw new BatchGradError('INVALID_OPTION', `--shard cuts CSV, TSV, JSON Lines and Parquet files; give an Arrow dataset as several files`, { option: 'shard' });
  }
  return [await byteRange(file.path, file.format, file.size, shard, delimiter, header)];
}

/** Where the header record ends: the first record start after byte 0 (none for --no-header). */
async function headerEnd(path: string, format: Format, delimiter: string, header: boolean): Promise<number> {
  if (!header && format !== 'jsonl') return 0;
  const size = (await stat(path)).size;
  const handle = await open(path, 'r');
  try {
    return format === 'jsonl' ? await lineStartAtOrAfter(handle, 1, size) : await recordStartAtOrAfter(handle, 1, size, delimiter);
  } finally {
    await handle.close();
  }
}

async function byteRange(path: string, format: Format, size: number, shard: Shard, delimiter: string, header: boolean): Promise<InputPart> {
  const handle = await open(path, 'r');
  try {
    const cut = (offset: number): Promise<number> =>
      format === 'jsonl' ? lineStartAtOrAfter(handle, offset, size) : recordStartAtOrAfter(handle, offset, size, delimiter);
    // JSON Lines has no header: its first line is data, which every shard reads for the keys.
    const end0 = !header || format === 'jsonl' ? 0 : await cut(1);
    const nominal = (k: number): number => Math.floor(((k - 1) * size) / shard.count);
    const startOf = async (k: number): Promise<number> => (k === 1 ? end0 : k > shard.count ? size : Math.max(end0, await cut(nominal(k))));
    const start = await startOf(shard.index);
    const end = await startOf(shard.index + 1);
    // A range that starts right after the header is read with it, its lines counted as in the file.
    const label = start <= end0 ? path : `${path} (shard ${shard.index}/${shard.count}, line 1 at byte ${start})`;
    return { path, format, size, label, range: { start, end, headerEnd: format === 'jsonl' ? await cut(1) : end0 } };
  } finally {
    await handle.close();
  }
}

/** The first line start at or after `offset` (JSON Lines: a line end is never inside a value). */
async function lineStartAtOrAfter(handle: import('node:fs/promises').FileHandle, offset: number, size: number): Promise<number> {
  if (offset <= 0) return 0;
  const buffer = new Uint8Array(1 << 16);
  for (let at = offset - 1; at < size;) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - at), at);
    if (bytesRead === 0) break;
    const lf = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (lf >= 0) return at + lf + 1;
    at += bytesRead;
  }
  return size;
}

async function rowGroupsOf(path: string, shard: Shard): Promise<{ from: number; to: number }> {
  const groups = (await parquetFooter(path)).rowGroups.length;
  return { from: Math.floor(((shard.index - 1) * groups) / shard.count), to: Math.floor((shard.index * groups) / shard.count) };
}
