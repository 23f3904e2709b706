/**
 * Whether a fit may keep its model inputs in memory (`cache`): before the first pass, about how many rows
 * the inputs hold and how much memory their columns will take; refused when that is more than half the
 * free memory. The cache itself is a source of the pipeline (pipeline/sources/cached-columns.ts).
 */

import { open } from 'node:fs/promises';
import { freemem } from 'node:os';
import { BatchGradError } from '../errors.js';
import type { RunPlan } from '../pipeline/run-plan.js';
import { CachedColumns } from '../pipeline/sources/cached-columns.js';

export interface CacheEstimate {
  readonly rows: number;
  readonly bytes: number;
  readonly available: number;
}

/** The share of free memory the cache may take. */
const CACHE_SHARE = 0.5;

/** A cache for the plan's inputs, or CACHE_TOO_LARGE; `tell` hears the estimate first. */
export async function cacheFor(plan: RunPlan, tell?: (estimate: CacheEstimate) => void): Promise<CachedColumns> {
  const sizes = plan.files.map((file) => file.size);
  if (plan.inputs.includes('-') || sizes.some((size) => size === undefined)) {
    throw new BatchGradError(
      'INVALID_OPTION',
      '--cache needs files whose size is known (not stdin or folders), to say how much memory it takes',
      { option: 'cache' },
    );
  }
  const total = sizes.reduce((a, b) => a! + b!, 0)!;
  const sample = new Uint8Array(Math.min(1 << 20, sizes[0]!));
  const handle = await open(plan.files[0]!.path, 'r');
  await handle.read(sample, 0, sample.length, 0).finally(() => handle.close());
  const lines = Math.max(
    1,
    sample.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 0),
  );
  const columns = Buffer.from(sample.subarray(0, sample.indexOf(0x0a) >= 0 ? sample.indexOf(0x0a) : sample.length))
    .toString('utf8')
    .split(plan.delimiter).length;
  const rows = Math.ceil((total * lines) / Math.max(1, sample.length));
  const estimate = { rows, bytes: rows * columns * 8, available: freemem() };
  tell?.(estimate);
  if (estimate.bytes > CACHE_SHARE * estimate.available) {
    throw new BatchGradError(
      'CACHE_TOO_LARGE',
      `--cache would keep about ${mib(estimate.bytes)} MiB of model inputs (${rows.toLocaleString('en')} rows), more than half the ${mib(estimate.available)} MiB free; fit without --cache streams the file instead`,
      {
        option: 'cache',
      },
    );
  }
  return new CachedColumns();
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
