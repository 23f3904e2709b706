/**
 * The parts a run reads, in order: each input file whole, or, with --shard k/N, the k-th of N parts of the
 * job. One file is cut at record boundaries: CSV and TSV by bytes (record-start.ts finds the exact cut
 * without reading what comes before it), JSON Lines by bytes at line ends, Parquet by row groups. Several
 * files (or a folder of them, as Spark and Hive write) are shared out whole. Every shard of a job computes
 * the same cuts, so every record belongs to exactly one shard.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { lineStartAfter } from '../../compute/columnar/jsonl-lines.js';
import type { Format } from '../../compute/formats.js';
import { BatchGradError } from '../../errors.js';
import { type ParquetFooter, parquetFooter } from '../io/parquet-footer.js';
import type { InputFile, Shard } from '../run-plan.js';
import { recordStartAtOrAfter } from './record-start.js';

export interface InputPart extends InputFile {
  /** The input's name in messages. */
  readonly label: string;
  /** A byte range of a text file: its records in [start, end), and its header in [0, headerEnd). */
  readonly range?: { readonly start: number; readonly end: number; readonly headerEnd: number };
  /** Parquet row groups [from, to), and the footer that says where they are. */
  readonly rowGroups?: { readonly from: number; readonly to: number; readonly footer: ParquetFooter };
}

export async function inputParts(
  files: readonly InputFile[],
  shard: Shard | undefined,
  delimiter: string,
  header: boolean,
): Promise<InputPart[]> {
  const whole = (file: InputFile): InputPart => ({ ...file, label: file.path === '-' ? '<stdin>' : file.path });
  if (shard === undefined) return files.map(whole);
  if (files.length > 1) {
    // Whole files to shards: files [floor((k-1)F/N), floor(kF/N)); a shard with none still reads the first
    // file's header (an empty range), so that its output and summary have the job's columns.
    const from = Math.floor(((shard.index - 1) * files.length) / shard.count);
    const to = Math.floor((shard.index * files.length) / shard.count);
    if (to > from) return files.slice(from, to).map(whole);
    const first = files[0]!;
    const end = first.size ?? 0;
    return [
      {
        ...whole(first),
        range: {
          start: end,
          end,
          headerEnd: await withFile(first.path, (file) => headerEnd(file, first, delimiter, header)),
        },
      },
    ];
  }
  const file = files[0]!;
  // stdin arrives already cut (a partition piped by Spark or Hadoop Streaming): --shard only says which
  // part it is, for the header and for merge.
  if (file.path === '-') return [whole(file)];
  if (file.size === undefined) {
    throw new BatchGradError('INVALID_OPTION', `--shard needs a regular file to cut; ${file.path} is not one`, {
      option: 'shard',
      file: file.path,
    });
  }
  if (file.format === 'arrow' || file.format === 'arrows') {
    throw new BatchGradError(
      'INVALID_OPTION',
      `--shard cuts CSV, TSV, JSON Lines and Parquet files; give an Arrow dataset as several files`,
      { option: 'shard' },
    );
  }
  return [
    await withFile(file.path, async (handle) => {
      if (file.format === 'parquet') return { ...whole(file), rowGroups: await rowGroupsOf(handle, file.path, shard) };
      return byteRange(handle, file, shard, delimiter, header);
    }),
  ];
}

async function withFile<T>(path: string, use: (file: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

/** The first record start at or after `offset`: for JSON Lines a line start, for CSV and TSV a record start outside quotes. */
function cutAt(file: FileHandle, format: Format, offset: number, size: number, delimiter: string): Promise<number> {
  return format === 'jsonl'
    ? lineStartAtOrAfter(file, offset, size)
    : recordStartAtOrAfter(file, offset, size, delimiter);
}

/** Where the header record ends: the first record start after byte 0 (none for --no-header; JSON Lines' first line names the columns). */
async function headerEnd(file: FileHandle, input: InputFile, delimiter: string, header: boolean): Promise<number> {
  if (!header && input.format !== 'jsonl') return 0;
  return cutAt(file, input.format, 1, input.size ?? (await file.stat()).size, delimiter);
}

async function byteRange(
  file: FileHandle,
  input: InputFile,
  shard: Shard,
  delimiter: string,
  header: boolean,
): Promise<InputPart> {
  const { path, format } = input;
  const size = input.size!;
  const cut = (offset: number): Promise<number> => cutAt(file, format, offset, size, delimiter);
  // JSON Lines has no header: its first line is data, which every shard reads for the keys.
  const end0 = !header || format === 'jsonl' ? 0 : await cut(1);
  const nominal = (k: number): number => Math.floor(((k - 1) * size) / shard.count);
  const startOf = async (k: number): Promise<number> =>
    k === 1 ? end0 : k > shard.count ? size : Math.max(end0, await cut(nominal(k)));
  const start = await startOf(shard.index);
  const end = await startOf(shard.index + 1);
  // A range that starts right after the header is read with it, its lines counted as in the file.
  const label = start <= end0 ? path : `${path} (shard ${shard.index}/${shard.count}, line 1 at byte ${start})`;
  return { ...input, label, range: { start, end, headerEnd: format === 'jsonl' ? await cut(1) : end0 } };
}

/** The first line start at or after `offset`, read a block at a time. */
async function lineStartAtOrAfter(file: FileHandle, offset: number, size: number): Promise<number> {
  if (offset <= 0) return 0;
  const buffer = new Uint8Array(1 << 16);
  for (let at = offset - 1; at < size; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - at), at);
    if (bytesRead === 0) break;
    const start = lineStartAfter(buffer.subarray(0, bytesRead), 0);
    if (start >= 0) return at + start;
    at += bytesRead;
  }
  return size;
}

async function rowGroupsOf(file: FileHandle, path: string, shard: Shard): Promise<NonNullable<InputPart['rowGroups']>> {
  const footer = await parquetFooter(file, path);
  const groups = footer.rowGroups.length;
  return {
    from: Math.floor(((shard.index - 1) * groups) / shard.count),
    to: Math.floor((shard.index * groups) / shard.count),
    footer,
  };
}
