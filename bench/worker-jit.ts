/**
 * node dist/bench/worker-jit.js: a performance guard, not a test (it reads V8's trace wording, which
 * changes between Node versions). It runs the CLI with --trace-opt --trace-deopt on 200k rows with one
 * worker and reports whether the hot functions were optimized and whether any was thrown away when the
 * first result's buffer was transferred (workers/detach-early.ts exists to prevent that). Exit 1 if so.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, temporaryFolder } from '../test/support/cli.js';
import { writeGeneratedCsv } from '../test/support/generate.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);

/** The CLI's V8 trace of optimizations and deoptimizations, all threads. */
function tracedRun(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--trace-opt', '--trace-deopt', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let trace = '';
    child.stdout.on('data', (d: Buffer) => (trace += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(trace) : reject(new Error(`exit ${code}`))));
  });
}

try {
  await writeGeneratedCsv(at('rows.csv'), { rows: 200_000, features: 2, seed: 9 });
  const trace = await tracedRun([at('rows.csv'), '-o', at('out.csv'), '--threads', '1']);
  const optimized = ['kernel', 'exactSumOf'].map(
    (name) => [name, new RegExp(`completed optimizing .*${name}`).test(trace)] as const,
  );
  const invalidated = trace
    .split('\n')
    .filter((line) => /marking dependent code.*(exactSumOf|kernel)>.*code dependencies/.test(line));
  for (const [name, done] of optimized)
    console.log(`${name}: ${done ? 'optimized' : 'NOT optimized (the check below proves nothing)'}`);
  console.log(
    `optimized code thrown away by a detached buffer: ${invalidated.length === 0 ? 'none' : invalidated.join('\n')}`,
  );
  process.exitCode = invalidated.length === 0 && optimized.every(([, done]) => done) ? 0 : 1;
} finally {
  folder.cleanup();
}
