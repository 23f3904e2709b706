/**
 * JSON Lines bytes (whole lines) to a DecodedBatch: one JSON object a line, values by key. A model input
 * must be a JSON number; a missing key, a null, any other value, or a line that is not an object is a bad
 * row, located by its line.
 */
import { BatchGradError, type ErrorCode } from '../../errors.js';
import type { JobSpec } from '../job/job.js';
import { classOfValue, isLabelIn, labelReason, unknownClassReason } from '../job/labels.js';
import type { BadRow, DecodedBatch } from './decoded-batch.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

export function decodeJsonLines(job: JobSpec, bytes: Uint8Array, firstLine: number): DecodedBatch {
  const lines = decoder.decode(bytes).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const inputNames = job.inputColumns.map((c) => job.header[c]!);
  const checkOrder = [...inputNames.keys()].sort((a, b) => job.inputColumns[a]! - job.inputColumns[b]!);
  const keptNames = job.keepColumns.map((c) => job.header[c]!);
  const columns = inputNames.map(() => new Float64Array(lines.length));
  const kept: unknown[][] = [];
  const problems: BadRow[] = [];
  let read = 0;
  let good = 0;
  for (let l = 0; l < lines.length; l++) {
    const text = lines[l]!.endsWith('\r') ? lines[l]!.slice(0, -1) : lines[l]!;
    if (text.trim() === '') continue;
    read++;
    const line = firstLine + l;
    let bad: { code: ErrorCode; reason: string; field?: string } | undefined;
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch (error) {
      bad = { code: 'JSON_SYNTAX', reason: `not JSON: ${(error as Error).message}` };
    }
    if (bad === undefined && (typeof object !== 'object' || object === null || Array.isArray(object))) {
      bad = { code: 'JSON_SYNTAX', reason: 'not a JSON object' };
    }
    if (bad === undefined) {
      const record = object as Record<string, unknown>;
      for (const k of checkOrder) {
        const field = inputNames[k]!;
        const value = record[field];
        if (value === undefined) bad = { code: 'FIELD_MISSING', reason: `no key "${field}"`, field };
        else if (value === null) bad = { code: 'FIELD_NULL', reason: `"${field}" is null`, field };
        else if (k === job.label?.position && job.label.domain === 'class') {
          const index = classOfValue(job.label, value);
          if (index < 0)
            bad = { code: 'LABEL_INVALID', reason: unknownClassReason(job.label.classes ?? [], String(value)), field };
          else columns[k]![good] = index;
          if (bad !== undefined) break;
          continue;
        } else if (typeof value !== 'number')
          bad = { code: 'FIELD_NOT_A_NUMBER', reason: `"${field}" is not a number: ${JSON.stringify(value)}`, field };
        else if (k === job.label?.position && !isLabelIn(job.label.domain, value))
          bad = { code: 'LABEL_INVALID', reason: labelReason(job.label.domain, value), field };
        if (bad !== undefined) break;
        columns[k]![good] = value as number;
      }
      if (bad === undefined) {
        kept.push(keptNames.map((name) => record[name] ?? null));
        good++;
        continue;
      }
    }
    const error = new BatchGradError(bad!.code, `${job.file}:${line}: ${bad!.reason}`, {
      file: job.file,
      line,
      ...(bad!.field === undefined ? {} : { field: bad!.field }),
    });
    problems.push({ line, error: error.toData(), text });
    if (job.onError === 'fail') break;
  }
  return { read, rows: good, columns, kept, problems };
}
