/**
 * apache-arrow and parquet-wasm, loaded on first use: a CSV run never pays for them. Both ship CommonJS
 * builds for Node, so `require` loads them synchronously where the code needs them.
 */
import { createRequire } from 'node:module';

type Arrow = typeof import('apache-arrow');
type ParquetWasm = typeof import('parquet-wasm');

const require = createRequire(import.meta.url);
let arrowModule: Arrow | undefined;
let parquetModule: ParquetWasm | undefined;

export function arrow(): Arrow {
  arrowModule ??= require('apache-arrow') as Arrow;
  return arrowModule;
}

export function parquetWasm(): ParquetWasm {
  parquetModule ??= require('parquet-wasm') as ParquetWasm;
  return parquetModule;
}
