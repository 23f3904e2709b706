/**
 * apache-arrow, parquet-wasm and snappy, loaded on first use: a CSV run never pays for them.
 *
 * Inside batch-grad, apache-arrow is its single-file build (Arrow.esnext.min.js): it loads in a fraction
 * of the time of the package's hundreds of ES modules, and every thread loads it (docs/performance.md).
 * Arrow objects only work with functions of the build that made them, so where the library takes or gives
 * a user's tables and batches it uses the package's ES module instead, the one a user's `import` gets
 * (userArrow). parquet-wasm's CommonJS build is required in place.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Arrow = typeof import('apache-arrow');
type ParquetWasm = typeof import('parquet-wasm');
type Snappy = typeof import('snappy');

const require = createRequire(import.meta.url);
let arrowModule: Arrow | undefined;
let parquetModule: ParquetWasm | undefined;
let snappyModule: Snappy | undefined;

/** The single-file build, found beside the package's entry (its exports map does not list it). */
export function arrow(): Arrow {
  arrowModule ??= require(join(dirname(require.resolve('apache-arrow')), 'Arrow.esnext.min.js')) as Arrow;
  return arrowModule;
}

/** The package's ES module: for tables and batches a user gives or is given. */
export function userArrow(): Promise<Arrow> {
  return import('apache-arrow');
}

export function parquetWasm(): ParquetWasm {
  parquetModule ??= require('parquet-wasm') as ParquetWasm;
  return parquetModule;
}

/** Native snappy (napi-rs): faster than snappy in JavaScript, with no warm-up (docs/performance.md). */
export function snappy(): Snappy {
  snappyModule ??= require('snappy') as Snappy;
  return snappyModule;
}

/**
 * snappy's option for results in memory V8 accounts for: its default external buffers are freed only when a
 * full collection happens to run, so a long Parquet run's dead pages piled up by the gigabyte.
 */
export const V8_MANAGED = { copyOutputData: true } as const;
