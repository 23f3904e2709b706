/** The general parser: csv-parse on the chunk, then each model input field read with readNumber. */
import type { Options } from 'csv-parse/sync';
import type { JobSpec } from '../job/job.js';
import { isLabelIn, labelIndex, labelReason, unknownClassReason } from '../job/labels.js';
import { readNumber } from '../numbers/grammar.js';
import { fieldIndexAt, recordContentStart } from './csv-field.js';
import { csvParseSync } from './csv-parse-sync.js';
import type { ParsedChunk, RowProblem } from './parsed-chunk.js';

/** The options csv-parse is called with; the plain scanner reproduces exactly their behaviour. */
export function csvParseOptions(delimiter: string): Options {
  return { delimiter, record_delimiter: ['\r\n', '\n'], relax_column_count: true, skip_empty_lines: true };
}

export function parseGeneral(job: JobSpec, bytes: Uint8Array, invalidUtf8: readonly number[]): ParsedChunk {
  // The byte offset where each record ends, so problems can be located.
  const ends: number[] = [];
  let records: string[][];
  try {
    records = csvParseSync()(bytes, {
      ...csvParseOptions(job.delimiter),
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
    }) as string[][];
  } catch (error) {
    // csv-parse's error says how far it got in two counters; the smaller is where the broken record starts.
    const {
      code,
      message,
      bytes: processed,
      bytes_records: records,
    } = error as { code?: string; message?: string; bytes?: number; bytes_records?: number };
    const at = Math.min(processed ?? 0, records ?? 0);
    // Its "at line N" counts from the chunk, not the file; the caller names the file's line instead.
    const reason = (message ?? String(error)).replace(/ at line \d+/g, '');
    return {
      read: 0,
      rows: 0,
      columns: [],
      kept: [],
      problems: [],
      syntaxError: { message: `${reason} (${code ?? 'CSV error'})`, at: recordContentStart(bytes, at, bytes.length) },
    };
  }

  const inputCount = job.inputColumns.length;
  const columns = Array.from({ length: inputCount }, () => new Float64Array(records.length));
  const kept: string[][] = [];
  const problems: RowProblem[] = [];
  let rows = 0;
  let nextInvalid = 0;
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    const start = recordContentStart(bytes, r === 0 ? 0 : ends[r - 1]!, ends[r]!);
    const end = ends[r]!;
    while (nextInvalid < invalidUtf8.length && invalidUtf8[nextInvalid]! < start) nextInvalid++;
    const badByte = invalidUtf8[nextInvalid];
    let problem: RowProblem | undefined;
    if (badByte !== undefined && badByte < end) {
      const column = fieldIndexAt(bytes, start, badByte, job.delimiter.charCodeAt(0));
      problem = {
        code: 'INVALID_UTF8',
        reason: `invalid UTF-8 (byte 0x${bytes[badByte]!.toString(16)})`,
        start,
        end,
        column,
        value: record[column] ?? '',
      };
    } else if (record.length !== job.header.length) {
      problem = {
        code: 'FIELD_COUNT',
        reason: `${record.length} fields, the header has ${job.header.length}`,
        start,
        end,
      };
    } else {
      for (let k = 0; k < inputCount; k++) {
        const column = job.inputColumns[k]!;
        if (k === job.label?.position && job.label.domain === 'class') {
          const index = labelIndex(job.label, record[column]!);
          if (index < 0) {
            const reason = unknownClassReason(job.label.classes ?? [], record[column]!);
            problem = { code: 'LABEL_INVALID', reason, start, end, column, value: record[column]! };
            break;
          }
          columns[k]![rows] = index;
          continue;
        }
        const reading = readNumber(record[column]!);
        if (!reading.ok) {
          problem = { code: reading.code, reason: reading.reason, start, end, column, value: record[column]! };
          break;
        }
        columns[k]![rows] = reading.value;
      }
      const label = job.label;
      if (problem === undefined && label !== undefined && !isLabelIn(label.domain, columns[label.position]![rows]!)) {
        const column = job.inputColumns[label.position]!;
        problem = {
          code: 'LABEL_INVALID',
          reason: labelReason(label.domain, columns[label.position]![rows]!),
          start,
          end,
          column,
          value: record[column]!,
        };
      }
    }
    if (problem !== undefined) {
      problems.push(problem);
      if (job.onError === 'fail') break;
      continue;
    }
    kept.push(job.keepColumns.map((c) => record[c]!));
    rows++;
  }
  return { read: records.length, rows, columns, kept, problems };
}
