/**
 * AssemblyScript, compiled with the other files here into dist/wasm/numbers.wasm (not by tsc): the
 * plain-chunk parser's loop over common records. src/compute/parse-plain.ts calls readRecords, handles
 * the record it stops at with its general (JavaScript) loop, and calls it again after that record.
 *
 * A common record is read in one pass: each number is read where its field starts and must be followed by
 * the delimiter, or by the line end (LF, or CR LF, or the end of the chunk) after the last field; a field
 * that is not a model input runs to the next delimiter, LF or CR. Anything else (a space, an empty or bad
 * field, a wrong field count, an empty line, a lone CR, a number only Number() can round, an infinity)
 * stops the loop at that record's start, and the general loop decides; it accepts what this loop accepts,
 * with the same values, so where the line between the two falls changes no result.
 */

// @ts-nocheck: AssemblyScript's types (i32, u32, usize, load, store) are not TypeScript's.

import { WORK } from './layout';
import { numberValue, readNumber } from './read-decimal';

const LF: u32 = 0x0a;
const CR: u32 = 0x0d;

/** The row count after the last readRecords call. */
export let recordRow: i32 = 0;

/**
 * Reads common records from work[start] on, up to the end of the chunk (`length`), as rows `row`,
 * `row + 1`, ... (below `capacity`); returns where it stopped, with the next row in recordRow.
 *
 * Tables, for each of the record's `fieldCount` fields: inputOfAt, the model input it feeds or -1 (i32s);
 * keepSlotAt (when keptAt is not 0), the slot its bounds are kept in or -1. Input k's value for row r goes
 * to the f64 at columnsAt + 8 (k capacity + r); a kept field's start and end (i32s, chunk offsets) to
 * keptAt + 8 (slot capacity + r).
 */
export function readRecords(
  start: i32, length: i32, fieldCount: i32, delimiter: u32, inputOfAt: usize, keepSlotAt: usize,
  columnsAt: usize, keptAt: usize, capacity: i32, row: i32,
): i32 {
  const base = WORK;
  while (start < length && row < capacity) {
    let i = start;
    let column = 0;
    let end = -1;
    while (true) {
      const fieldStart = i;
      const input = load<i32>(inputOfAt + (usize(column) << 2));
      if (input >= 0) {
        i = readNumber(i, length);
        if (i < 0 || !isFinite<f64>(numberValue)) break;
        store<f64>(columnsAt + ((usize(input) * usize(capacity) + usize(row)) << 3), numberValue);
      } else {
        while (i < length) {
          const b = u32(load<u8>(base + i));
          if (b == delimiter || b == LF || b == CR) break;
          i++;
        }
      }
      if (keptAt != 0) {
        const slot = load<i32>(keepSlotAt + (usize(column) << 2));
        if (slot >= 0) {
          const at = keptAt + ((usize(slot) * usize(capacity) + usize(row)) << 3);
          store<i32>(at, fieldStart);
          store<i32>(at + 4, i);
        }
      }
      column++;
      if (i < length && u32(load<u8>(base + i)) == delimiter) {
        if (column == fieldCount) break;
        i++;
        continue;
      }
      if (column != fieldCount) break;
      if (i == length) end = length;
      else if (u32(load<u8>(base + i)) == LF) end = i + 1;
      else if (u32(load<u8>(base + i)) == CR && i + 1 < length && u32(load<u8>(base + i + 1)) == LF) end = i + 2;
      break;
    }
    if (end < 0) break;
    row++;
    start = end;
  }
  recordRow = row;
  return start;
}
