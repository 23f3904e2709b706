/**
 * nodejs-polars for the baselines, from bench/baselines/node_modules: installed there on first use
 * (`npm ci` of bench/baselines/package.json, pinned), so that the project's own `npm ci` never fetches it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The part of the nodejs-polars API the baselines use. */
export interface Expr {
  plus(other: Expr): Expr;
  minus(other: Expr): Expr;
  mul(other: Expr | number): Expr;
  div(other: Expr): Expr;
  exp(): Expr;
  alias(name: string): Expr;
}
interface LazyFrame {
  withColumns(...columns: Expr[]): LazyFrame;
  select(...columns: Expr[]): LazyFrame;
  sinkCSV(path: string): LazyFrame;
  sinkParquet(path: string, options?: { compression?: string }): LazyFrame;
  collect(): Promise<unknown>;
}
export interface Polars {
  readonly Int64: unknown;
  readonly Float64: unknown;
  col(name: string): Expr;
  lit(value: number): Expr;
  scanCSV(path: string, options?: { schema?: Record<string, unknown> }): LazyFrame;
  scanParquet(path: string): LazyFrame;
}

/** The folder of bench/baselines/package.json, from this module in bench/baselines or dist/bench/baselines. */
function packageFolder(): string {
  for (const relative of ['./', '../../../bench/baselines/']) {
    const folder = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${folder}package.json`)) return folder;
  }
  throw new Error('bench/baselines/package.json not found');
}

/** Installs the pinned Polars into bench/baselines/ if it is not there yet. */
export function installPolars(): string {
  const folder = packageFolder();
  if (!existsSync(`${folder}node_modules/nodejs-polars`)) {
    process.stderr.write('installing the Polars baseline into bench/baselines/ (once)\n');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', folder], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return folder;
}

export function loadPolars(): Polars {
  return createRequire(`${installPolars()}package.json`)('nodejs-polars') as Polars;
}
