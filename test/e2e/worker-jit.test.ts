import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGeneratedCsv } from '../../bench/generate.js';
import { CLI, temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

beforeAll(async () => {
  await writeGeneratedCsv(at('rows.csv'), { rows: 200_000, features: 2, seed: 9 });
});

/** The CLI's V8 trace of optimizations and deoptimizations, all threads. */
function tracedRun(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--trace-opt', '--trace-deopt', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let trace = '';
    child.stdout.on('data', (d: Buffer) => (trace += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(trace) : reject(new Error(`exit ${code}`))));
  });
}

describe('the worker keeps its optimized code', () => {
  it('is not thrown away when the first result is transferred back (workers/detach-early.ts)', async () => {
    const trace = await tracedRun([at('rows.csv'), '-o', at('out.csv'), '--threads', '1']);
    // The hot JavaScript functions are optimized during the run (else the check below would prove nothing)...
    // (Parsing and formatting run in WebAssembly; the tape's kernel and the column sums are JavaScript.)
    expect(trace).toMatch(/completed optimizing .*kernel/);
    expect(trace).toMatch(/completed optimizing .*exactSumOf/);
    // ...and none is invalidated because an ArrayBuffer was detached for the first time. (Two things now
    // detach one at start-up, detach-early.ts and the numbers module's first memory growth: each alone
    // keeps this test green.)
    const invalidated = trace.split('\n').filter((line) => /marking dependent code.*(exactSumOf|kernel)>.*code dependencies/.test(line));
    expect(invalidated).toEqual([]);
  });
});
