/**
 * A seeded generator of logistic-model datasets: columns id, w1..wn, x1..xn, b. The same seed gives the
 * same bytes on every machine, so benchmarks and tests can regenerate their inputs instead of storing them.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { logisticInputNames } from '../../src/core/logistic.js';
import { seededRandom } from './seeded-random.js';

export interface GenerateOptions {
  readonly rows: number;
  readonly features: number;
  readonly seed?: number;
  /** Add an `id` column first (a user's key column, for --keep). */
  readonly id?: boolean;
}

/** A generated file as one chunk in memory, for the per-chunk benches: the header's names and the records' bytes. */
export function generatedChunk(options: GenerateOptions): { header: string[]; body: Buffer } {
  const text = [...generateCsv(options)].join('');
  const headerEnd = text.indexOf('\n');
  return { header: text.slice(0, headerEnd).split(','), body: Buffer.from(text.slice(headerEnd + 1)) };
}

/** The CSV text in pieces of about `rowsPerPiece` rows, so a 10 GB file never sits in memory. */
export function* generateCsv(options: GenerateOptions, rowsPerPiece = 10_000): Generator<string> {
  const random = seededRandom(options.seed ?? 1);
  const names = logisticInputNames(options.features);
  yield `${options.id === false ? '' : 'id,'}${names.join(',')}\n`;
  // Values like real data: mostly moderate, with full float64 digits (the output must round-trip them).
  const value = (): number => (random() * 2 - 1) * 3;
  for (let start = 0; start < options.rows; start += rowsPerPiece) {
    let text = '';
    for (let row = start; row < Math.min(options.rows, start + rowsPerPiece); row++) {
      if (options.id !== false) text += `${row + 1},`;
      for (let k = 0; k < names.length; k++) text += (k > 0 ? ',' : '') + String(value());
      text += '\n';
    }
    yield text;
  }
}

export async function writeGeneratedCsv(path: string, options: GenerateOptions): Promise<void> {
  const out = createWriteStream(path);
  for (const piece of generateCsv(options)) {
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}
