/** JSON Lines as a source: batches of whole lines, cut here, decoded by the workers; the first object's keys name the columns. */
import { JsonLineCutter, jsonLinesHeader, type LineBatch } from '../../compute/columnar/jsonl-lines.js';
import type { Engine } from '../../engine/engine.js';
import { BatchGradError } from '../../errors.js';
import type { TextSourceOptions } from '../source.js';
import { type Batch, batchSource } from './batches.js';

export async function jsonLines(
  engine: Engine,
  bytes: AsyncIterable<Uint8Array>,
  options: TextSourceOptions,
): Promise<ReturnType<typeof batchSource>> {
  const cutter = new JsonLineCutter(bytes, options.batchSize, options.taskBytes);
  const first = await cutter.next();
  const header = options.header ?? headerOf(first, options.file);
  async function* batches(): AsyncGenerator<Batch> {
    let line = options.firstLine ?? 1;
    for (let batch = first; batch !== undefined; batch = await cutter.next()) {
      yield { source: { kind: 'jsonl', bytes: batch.bytes, firstLine: line }, inputBytes: batch.bytes.length };
      line += batch.lines;
    }
  }
  return batchSource(engine, header, batches(), options.signal, options.close);
}

function headerOf(first: LineBatch | undefined, file: string): string[] {
  let keys: string[] | undefined;
  try {
    keys = jsonLinesHeader(first?.bytes);
  } catch (error) {
    throw new BatchGradError(
      'JSON_SYNTAX',
      `${file}: the first line is not a JSON object (${(error as Error).message}); its keys name the columns`,
      { file, line: 1 },
    );
  }
  if (keys === undefined)
    throw new BatchGradError('HEADER_INVALID', `${file}: the input is empty; the first line's keys name the columns`, {
      file,
    });
  return keys;
}
