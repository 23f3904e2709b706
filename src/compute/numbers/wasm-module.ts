/**
 * The numbers module: the WebAssembly that reads and writes a chunk's numbers (src/wasm/, AssemblyScript
 * built by `npm run build:wasm`), loaded once per thread. This file fills its tables and owns its memory:
 * the work area holds one chunk's work at a time (src/wasm/layout.ts), and grows to fit before each call.
 *
 * Why WebAssembly: reading and writing numbers was three quarters of a worker's time, and there a 64-bit
 * integer is a register, not three int32s or a double, and a byte load is one instruction with no bounds or
 * type check. The README's Performance section has what each step gained.
 */
import { readFileSync } from 'node:fs';
import { builtFile } from '../../built-file.js';
import { decimalExponents, POWER_RANGE, powerTables } from './power-tables.js';

// @types/node 20 declares no WebAssembly global (TypeScript keeps it with the DOM's types): what is used here.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: object;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  interface Global {
    readonly value: number;
  }
}

interface NumberExports {
  readonly memory: WebAssembly.Memory;
  readonly RESULT: WebAssembly.Global;
  readonly POWER_RANGE: WebAssembly.Global;
  readonly POWER_HI: WebAssembly.Global;
  readonly POWER_LO: WebAssembly.Global;
  readonly POWER_HEAD: WebAssembly.Global;
  readonly POWER_TAIL: WebAssembly.Global;
  readonly EXACT_POWERS: WebAssembly.Global;
  readonly DIGIT_QUADS: WebAssembly.Global;
  readonly DECIMAL_EXPONENT: WebAssembly.Global;
  readonly WORK: WebAssembly.Global;
  /** One pair's exact product sums (src/wasm/product-sums.ts). */
  readonly productSums: (
    scaled: number,
    column: number,
    rows: number,
    upper: number,
    middle: number,
    low: number,
    out: number,
    smalls: number,
  ) => number;
  /** src/wasm/read-decimal.ts */
  readAt(from: number, stop: number): number;
  /** src/wasm/read-records.ts */
  readRecords(
    start: number,
    length: number,
    fieldCount: number,
    delimiter: number,
    inputOfAt: number,
    keepSlotAt: number,
    columnsAt: number,
    keptAt: number,
    capacity: number,
    row: number,
  ): number;
  readonly recordRow: WebAssembly.Global;
  /** src/wasm/write-double.ts */
  writeRows(
    columnsAt: number,
    count: number,
    stride: number,
    from: number,
    to: number,
    delimiter: number,
    at: number,
  ): number;
}

/** Views of the module's memory, made again whenever it grows (growing replaces its buffer). */
export let memoryBytes = new Uint8Array(0);
export let memoryValue = new Float64Array(0);

/** The numbers the module cannot write itself (see write-double.ts): String(x), at `at`. */
function writeFallback(x: number, at: number): number {
  const text = String(x);
  for (let i = 0; i < text.length; i++) memoryBytes[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** The instance's exports: set on first use (see reserveWork), so a thread that never reads or writes a number never compiles the module. */
export let numbers: NumberExports;

/** Where the work area starts (set with `numbers`). */
export let WORK = 0;

/** Make the work area at least `size` bytes long; the views above are current afterwards. */
export function reserveWork(size: number): void {
  if (numbers === undefined) load();
  fitWork(size);
}

function fitWork(size: number): void {
  const memory = numbers.memory;
  const needed = WORK + size;
  if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
  if (memoryBytes.buffer !== memory.buffer) {
    memoryBytes = new Uint8Array(memory.buffer);
    memoryValue = new Float64Array(memory.buffer, numbers.RESULT.value, 1);
  }
}

/** Compile and instantiate the module, and write its tables, once per thread, little-endian as WebAssembly reads them. */
function load(): void {
  numbers = new WebAssembly.Instance(
    new WebAssembly.Module(readFileSync(builtFile(import.meta.url, 'wasm/numbers.wasm', 'the numbers module'))),
    { env: { writeFallback } },
  ).exports as unknown as NumberExports;
  WORK = numbers.WORK.value;
  fitWork(0);
  if (numbers.POWER_RANGE.value !== POWER_RANGE)
    throw new Error('the numbers module and power-tables.ts disagree on the power table');
  const tables = new DataView(numbers.memory.buffer);
  const doubles = (at: WebAssembly.Global, values: ArrayLike<number>): void => {
    for (let i = 0; i < values.length; i++) tables.setFloat64(at.value + 8 * i, values[i]!, true);
  };
  const powers = powerTables();
  doubles(numbers.POWER_HI, powers.hi);
  doubles(numbers.POWER_LO, powers.lo);
  doubles(numbers.POWER_HEAD, powers.head);
  doubles(numbers.POWER_TAIL, powers.tail);
  doubles(
    numbers.EXACT_POWERS,
    Array.from({ length: 23 }, (_, k) => 10 ** k),
  );
  // "0000" to "9999" as four ASCII bytes: the writer stores digits four at a time. Each thread builds this
  // before its first number, so it is arithmetic, not 10,000 strings.
  const quads = new Uint8Array(numbers.memory.buffer, numbers.DIGIT_QUADS.value, 4 * 10_000);
  for (let n = 0; n < 10_000; n++) {
    quads[4 * n] = 0x30 + Math.floor(n / 1000);
    quads[4 * n + 1] = 0x30 + (Math.floor(n / 100) % 10);
    quads[4 * n + 2] = 0x30 + (Math.floor(n / 10) % 10);
    quads[4 * n + 3] = 0x30 + (n % 10);
  }
  for (const [e, k] of decimalExponents().entries()) tables.setInt16(numbers.DECIMAL_EXPONENT.value + 2 * e, k, true);
}
