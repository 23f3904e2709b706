/**
 * Decimal numbers read straight from a chunk's bytes, with exactly the grammar and results of numbers.ts's
 * readNumber (the tests compare the two on generated and adversarial fields).
 *
 * The reading itself is WebAssembly (src/wasm/read-decimal.ts, which says how it stays exact): a
 * DecimalReader copies its chunk into the module's memory once, then each field costs one call. Where the
 * module cannot be sure of the rounding it answers NaN, and the field's text goes to Number(), which is
 * correctly rounded; only the grammar check is ours then.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { POWER_RANGE, POWERS } from './double-double.js';

const SPACE = 0x20;
const TAB = 0x09;

/** Sentinel results, out of band for a double: which rule the field broke. */
export const DECIMAL_EMPTY = -1;
export const DECIMAL_SYNTAX = -2;
export const DECIMAL_OVERFLOW = -3;

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
}

interface ReaderExports {
  readonly memory: WebAssembly.Memory;
  readAt(from: number, stop: number): number;
  powerHiAt(): number;
  powerLoAt(): number;
  powerHeadAt(): number;
  powerTailAt(): number;
  exactPowersAt(): number;
  chunkAt(): number;
}

/**
 * The compiled module, dist/wasm/read-decimal.wasm: from dist/src/compute/decimal.js, and from the CLI's
 * bundle at the same depth, it is ../../wasm. Under vitest this file runs as TypeScript from src/, and
 * the module is still the built one (npm test builds first).
 */
function moduleFile(): string {
  const url = import.meta.url.endsWith('.ts') ? new URL('../../dist/wasm/read-decimal.wasm', import.meta.url) : new URL('../../wasm/read-decimal.wasm', import.meta.url);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`the number reader ${path} is not built; run npm run build`);
  return path;
}

const reader = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(moduleFile())), {}).exports as unknown as ReaderExports;
const wasmReadAt = reader.readAt;
const CHUNK = reader.chunkAt();
const PAGE = 65536;

/** Views of the module's memory, made again whenever it grows (growing detaches the old buffer). */
let memoryBytes = new Uint8Array(0);
let result = new Float64Array(0);

function ensureMemory(chunkSize: number): void {
  const needed = CHUNK + chunkSize;
  const buffer = reader.memory.buffer;
  if (needed > buffer.byteLength) reader.memory.grow(Math.ceil((needed - buffer.byteLength) / PAGE));
  if (memoryBytes.buffer !== reader.memory.buffer) {
    memoryBytes = new Uint8Array(reader.memory.buffer);
    result = new Float64Array(reader.memory.buffer, 0, 1);
  }
}

// The powers of ten the module multiplies by, written once: double-double.ts builds them exactly.
ensureMemory(0);
const table = (at: number, values: Float64Array): void => new Float64Array(reader.memory.buffer, at, values.length).set(values);
table(reader.powerHiAt(), POWERS.hi);
table(reader.powerLoAt(), POWERS.lo);
table(reader.powerHeadAt(), POWERS.head);
table(reader.powerTailAt(), POWERS.tail);
table(reader.exactPowersAt(), Float64Array.from({ length: 23 }, (_, k) => 10 ** k));
if (POWERS.hi.length !== 2 * POWER_RANGE + 1) throw new Error('the power table and the number reader disagree on its size');

/**
 * Reads the numbers of one chunk. Only one chunk is loaded at a time in a thread (the module has one
 * memory): make the reader, read its fields, and make the next reader for the next chunk.
 */
export class DecimalReader {
  constructor(private readonly bytes: Uint8Array) {
    ensureMemory(bytes.length);
    memoryBytes.set(bytes, CHUNK);
  }

  /**
   * Reads the longest number that starts exactly at bytes[from] (no spaces), looking no further than
   * `stop`, into out[index]; returns where it ends, or DECIMAL_SYNTAX. The plain-chunk parser reads fields
   * this way as it scans. The caller checks what follows first (a field that goes on is a syntax error),
   * then the value: one too large for float64 is stored as an infinity, for the caller to refuse.
   */
  readAt(from: number, stop: number, out: Float64Array, index: number): number {
    const end = wasmReadAt(from, stop);
    if (end < 0) return end;
    let value = result[0]!;
    // NaN: the module was not sure of the rounding (or the number is long, tiny or huge).
    if (value !== value) value = Number(Buffer.from(this.bytes.buffer, this.bytes.byteOffset + from, end - from).toString('latin1'));
    out[index] = value;
    return end;
  }

  /**
   * Reads bytes[start, end) into out[index] and returns 0, or returns one of the sentinels above (out[index]
   * is then unspecified). Spaces and tabs around the number are allowed, as readNumber allows them.
   */
  read(start: number, end: number, out: Float64Array, index: number): number {
    const bytes = this.bytes;
    let i = start;
    let stop = end;
    while (i < stop && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
    while (stop > i && (bytes[stop - 1] === SPACE || bytes[stop - 1] === TAB)) stop--;
    if (i === stop) return DECIMAL_EMPTY;
    const after = this.readAt(i, stop, out, index);
    if (after < 0) return after;
    if (after !== stop) return DECIMAL_SYNTAX;
    return Number.isFinite(out[index]!) ? 0 : DECIMAL_OVERFLOW;
  }
}

/** One field: `new DecimalReader(bytes).read(...)`, for callers with a single number to read. */
export function readDecimal(bytes: Uint8Array, start: number, end: number, out: Float64Array, index: number): number {
  return new DecimalReader(bytes).read(start, end, out, index);
}
