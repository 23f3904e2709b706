/**
 * apache-arrow and parquet-wasm, loaded on first use: a CSV run never pays for them.
 *
 * apache-arrow is loaded as an ES module, the build a user's `import` gets: its objects (tables, batches,
 * types) only work with functions of the same build, and the library takes the user's. Loading is
 * asynchronous, so every entry point that may use Arrow awaits loadArrow() first; arrow() then returns it.
 * parquet-wasm's objects never cross the library's surface, so its CommonJS build is required in place.
 */
import { createRequire } from 'node:module';

type Arrow = typeof import('apache-arrow');
type ParquetWasm = typeof import('parquet-wasm');

let arrowModule: Arrow | undefined;
let parquetModule: ParquetWasm | undefined;

export async function loadArrow(): Promise<Arrow> {
  arrowModule ??= await import('apache-arrow');
  return arrowModule;
}

/** apache-arrow, once loadArrow() has resolved. */
export function arrow(): Arrow {
  if (arrowModule === undefined) throw new Error('apache-arrow is used before loadArrow() resolved');
  return arrowModule;
}

export function parquetWasm(): ParquetWasm {
  parquetModule ??= createRequire(import.meta.url)('parquet-wasm') as ParquetWasm;
  return parquetModule;
}
