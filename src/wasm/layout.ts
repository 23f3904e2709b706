/**
 * AssemblyScript: the memory map of the numbers module (read-decimal.ts and write-double.ts, compiled
 * together into dist/wasm/numbers.wasm). The offsets are exported, as WebAssembly globals:
 * src/compute/numbers/wasm-module.ts fills the tables once, with values built in JavaScript (power-tables.ts),
 * and grows the memory for the work area.
 *
 * [0, 1024)      unused: asc's optimizer (Binaryen, with lowMemoryUnused) assumes no address below 1024
 *                 is read or written, and folds constants into load offsets on that assumption; with
 *                 the tables down there, 10^k for a negative k was read at a wrapped address (a trap)
 * [1024, 1032)    the value readAt read
 * POWER_*         10^s for |s| <= 100 as double-doubles: hi, lo, and hi split for Dekker's product
 * EXACT_POWERS    10^0 .. 10^22, exact doubles
 * DIGIT_QUADS     "0000" .. "9999" as little-endian u32 words of ASCII
 * DECIMAL_EXPONENT  floor(log10(2^(e - 1023))) for each biased exponent e, as i16
 * WORK ...        one chunk's work at a time: its bytes while they are read, then its output columns and
 *                 lines while they are written. The caller grows the memory to fit before each call.
 */

// @ts-nocheck: AssemblyScript's types (usize, i32) are not TypeScript's.

export const RESULT: usize = 1024;
export const POWER_RANGE: i32 = 100;
const POWER_BYTES: usize = (2 * 100 + 1) * 8;
export const POWER_HI: usize = RESULT + 8;
export const POWER_LO: usize = POWER_HI + POWER_BYTES;
export const POWER_HEAD: usize = POWER_LO + POWER_BYTES;
export const POWER_TAIL: usize = POWER_HEAD + POWER_BYTES;
export const EXACT_POWERS: usize = POWER_TAIL + POWER_BYTES;
export const DIGIT_QUADS: usize = EXACT_POWERS + 23 * 8;
export const DECIMAL_EXPONENT: usize = DIGIT_QUADS + 10000 * 4;
export const WORK: usize = 65536;
