/**
 * The fast parser for the common case: a chunk with no quote character at all. Then CSV is simple: a
 * record ends at each LF (a CR just before it belongs to the line ending), fields are split at each
 * delimiter, and empty lines are skipped; exactly what csv-parse does with parse-general's options on such
 * bytes. Common records are read by WebAssembly in one pass (src/wasm/read-records.ts, through
 * record-reader.ts): each number where its field starts, with no string made. Any other record (a bad
 * field, a wrong field count, an empty line, spaces) is read here, field by field, and reported as
 * csv-parse's path reports it. The input columns it returns are views of the numbers module's memory: read
 * them (the tape does) before anything else uses the module.
 *
 * It exists for speed (bench/chunk.ts compares it with csv-parse); the tests prove it gives the same
 * results, errors included, on generated and adversarial chunks. Any chunk with a quote goes to csv-parse.
 */
import type { JobSpec } from '../job/job.js';
import { DECIMAL_EMPTY, DECIMAL_OVERFLOW } from '../numbers/decimal-reader.js';
import type { ParsedChunk, RowProblem } from './parsed-chunk.js';
import { RecordReader } from './record-reader.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export function isPlainChunk(bytes: Uint8Array, invalidUtf8: readonly number[]): boolean {
  // Buffer's indexOf is memchr; a plain Uint8Array's is a JavaScript loop (docs/performance.md).
  return (
    invalidUtf8.length === 0 && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(QUOTE) === -1
  );
}

/** Delimiters that can be part of a number: fields must then be split before they are read. */
const NUMBER_BYTES = /[0-9.+\-eE]/;

export function parsePlain(job: JobSpec, bytes: Uint8Array): ParsedChunk {
  const delimiter = job.delimiter.charCodeAt(0);
  const fieldCount = job.header.length;
  const inputCount = job.inputColumns.length;
  const length = bytes.length;
  // Field k of the current record spans [fieldStart[k], fieldEnd[k]).
  const fieldStart = new Int32Array(fieldCount);
  const fieldEnd = new Int32Array(fieldCount);
  // Which input (tape order) each header column feeds, or -1.
  const inputOf = new Int32Array(fieldCount).fill(-1);
  for (const [k, column] of job.inputColumns.entries()) inputOf[column] = k;
  // Each kept header column's slot for its bounds (a column kept twice has one slot).
  const keptFields = [...new Set(job.keepColumns)];
  const keepSlot = new Int32Array(fieldCount).fill(-1);
  for (const [slot, column] of keptFields.entries()) keepSlot[column] = slot;
  const scanAndRead = !NUMBER_BYTES.test(job.delimiter);

  const reader = new RecordReader(bytes, {
    fieldCount,
    inputOf,
    inputCount,
    keepSlot,
    keptCount: keptFields.length,
    delimiter,
  });
  const { columns, keptBounds, capacity } = reader;
  const keepBounds = (row: number): void => {
    keptFields.forEach((column, slot) => {
      keptBounds[2 * (slot * capacity + row)] = fieldStart[column]!;
      keptBounds[2 * (slot * capacity + row) + 1] = fieldEnd[column]!;
    });
  };
  const problems: RowProblem[] = [];
  let rows = 0;
  let read = 0;

  let start = 0;
  while (start < length) {
    // Common records go to the WebAssembly loop (read-records.ts), which reads each in one pass and
    // stops at the first record it does not accept; that one is read by the general loop below.
    if (scanAndRead) {
      start = reader.readCommon(start, rows);
      read += reader.row - rows;
      rows = reader.row;
      if (start === length) break;
    }

    let lineFeed = bytes.indexOf(LF, start);
    if (lineFeed === -1) lineFeed = length;
    const end = lineFeed === length ? lineFeed : lineFeed + 1;
    // A CR is part of the line ending only before an LF; a CR at the very end of the input is data.
    const contentEnd = lineFeed < length && lineFeed > start && bytes[lineFeed - 1] === CR ? lineFeed - 1 : lineFeed;
    if (contentEnd === start) {
      // An empty line (LF or CRLF alone): csv-parse's skip_empty_lines skips it.
      start = end;
      continue;
    }
    read++;

    // Split into fields with indexOf; count them all, but remember only as many as the header has.
    let fields = 0;
    let fieldFrom = start;
    for (;;) {
      let end = bytes.indexOf(delimiter, fieldFrom);
      if (end === -1 || end > contentEnd) end = contentEnd;
      if (fields < fieldCount) {
        fieldStart[fields] = fieldFrom;
        fieldEnd[fields] = end;
      }
      fields++;
      if (end === contentEnd) break;
      fieldFrom = end + 1;
    }

    let problem: RowProblem | undefined;
    if (fields !== fieldCount) {
      problem = { code: 'FIELD_COUNT', reason: `${fields} fields, the header has ${fieldCount}`, start, end };
    } else {
      for (let column = 0; column < fieldCount; column++) {
        const k = inputOf[column]!;
        if (k < 0) continue;
        const status = reader.fields.read(fieldStart[column]!, fieldEnd[column]!, columns[k]!, rows);
        if (status !== 0) {
          const [code, reason] =
            status === DECIMAL_EMPTY
              ? (['FIELD_EMPTY', 'empty field'] as const)
              : status === DECIMAL_OVERFLOW
                ? (['FIELD_OUT_OF_RANGE', 'too large for float64'] as const)
                : (['FIELD_NOT_A_NUMBER', 'not a decimal number'] as const);
          problem = { code, reason, start, end, column, value: text(bytes, fieldStart[column]!, fieldEnd[column]!) };
          break;
        }
      }
    }
    start = end;
    if (problem !== undefined) {
      problems.push(problem);
      if (job.onError === 'fail') break;
      continue;
    }
    keepBounds(rows);
    rows++;
  }
  const kept =
    job.keepColumns.length === 0
      ? []
      : Array.from({ length: rows }, (_, row) =>
          job.keepColumns.map((column) => {
            const at = 2 * (keepSlot[column]! * capacity + row);
            return text(bytes, keptBounds[at]!, keptBounds[at + 1]!);
          }),
        );
  return { read, rows, columns, kept, problems };
}

/** The UTF-8 text of bytes[start, end): a kept field's value as written. */
function text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}
