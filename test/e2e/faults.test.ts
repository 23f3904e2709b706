import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineBytesFor } from '../../src/pipeline/sizing.js';
import { CLI, runCli, temporaryFolder } from '../support/cli.js';
import { writeGeneratedCsv } from '../support/generate.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

/** No output file and no temporary file with that name anywhere in the folder. */
function leftNothing(name: string): void {
  expect(readdirSync(folder.path).filter((entry) => entry.includes(name))).toEqual([]);
}

beforeAll(async () => {
  await writeGeneratedCsv(at('rows.csv'), { rows: 50_000, features: 2, seed: 5 });
});

describe('a worker that fails mid-run', () => {
  it.each(['throw', 'exit'])('(%s) ends the run with a clear message, exit code 1 and no output', async (kind) => {
    const result = await runCli(
      [at('rows.csv'), '-o', at(`fault-${kind}.csv`), '--batch-size', '1000', '--threads', '2'],
      {
        env: { BATCH_GRAD_TEST_FAULT: `${kind}:7` },
      },
    );
    expect(result.code).toBe(1);
    // The eighth range's records start about 7 x 1000 rows in: the line is where they start, in the file.
    const line = Number(
      /^batch-grad: a worker thread failed on rows from line (\d+): .+ \[WORKER_FAILED\]\n$/.exec(result.stderr)?.[1],
    );
    expect(line).toBeGreaterThan(6000);
    expect(line).toBeLessThan(8000);
    leftNothing(`fault-${kind}.csv`);
  });
});

describe('which thread computes a CSV file', () => {
  // The fault is injected only in a worker thread: a run it does not fail computed on no worker.
  it('with no --threads, a file of more than a range but below inlineBytesFor runs on the calling thread, to the same bytes', async () => {
    const pooled = await runCli([at('rows.csv'), '-o', at('on-workers.csv'), '--threads', '2']);
    expect(pooled.code).toBe(0);
    const here = await runCli([at('rows.csv'), '-o', at('on-caller.csv'), '--batch-size', '1000', '-q'], {
      env: { BATCH_GRAD_TEST_FAULT: 'throw:1' },
    });
    expect(here.stderr).toBe('');
    expect(here.code).toBe(0);
    expect(readFileSync(at('on-caller.csv')).equals(readFileSync(at('on-workers.csv')))).toBe(true);
  });

  // The CLI, run with no --threads, has a worker for every core of this machine; with one core it never
  // starts the pool for CSV.
  const limit = inlineBytesFor(availableParallelism());
  it.skipIf(limit === Number.POSITIVE_INFINITY)('with no --threads, a larger file runs on the workers', async () => {
    // About 103 bytes a generated narrow row.
    await writeGeneratedCsv(at('larger.csv'), { rows: Math.ceil(limit / 100) + 10_000, features: 2, seed: 6 });
    expect(statSync(at('larger.csv')).size).toBeGreaterThan(limit);
    const result = await runCli([at('larger.csv'), '-o', at('larger.out.csv')], {
      env: { BATCH_GRAD_TEST_FAULT: 'throw:1' },
    });
    expect(result.stderr).toMatch(/\[WORKER_FAILED\]\n$/);
    expect(result.code).toBe(1);
  });
});

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops a run promptly, removes the temporary output, exits %d', async (signal, code) => {
    const output = at(`signal-${signal}.csv`);
    const child = spawn(process.execPath, [CLI, '-', '-o', output], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Half the input now; stdin stays open, so the run is mid-way when the signal comes.
    const text = readFileSync(at('rows.csv'), 'utf8');
    // The child's end of the pipe closes when it exits: a write still under way then fails, as it should.
    child.stdin.on('error', () => undefined);
    await new Promise((resolve) => child.stdin.write(text.slice(0, text.length >> 1), resolve));
    // Wait (without a fixed sleep) until the run has its temporary output open.
    const started = (): boolean => readdirSync(folder.path).some((entry) => entry.startsWith(`.signal-${signal}.csv.`));
    for (let waited = 0; !started() && waited < 20_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started()).toBe(true);
    child.kill(signal);
    const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(exit).toBe(code);
    expect(stderr).toMatch(new RegExp(`interrupted by ${signal}; no output was left`));
    leftNothing(`signal-${signal}.csv`);
  });
});

describe('outputs that are not regular files', () => {
  it('exits quietly when the reader of stdout closes the pipe (| head)', async () => {
    const child = spawn(process.execPath, [CLI, at('rows.csv'), '-o', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let seen = '';
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.split('\n').length > 3) child.stdout.destroy();
    });
    const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(exit).toBe(141);
    expect(stderr).toBe('');
  });

  it('reports a full disk in one line with exit code 1', async () => {
    const result = await runCli([at('rows.csv'), '-o', '/dev/full']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('batch-grad: cannot write /dev/full: no space left on the device [OUTPUT_FAILED]\n');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('writes a named pipe in place instead of renaming over it', async () => {
    const fifo = at('results.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<string>((resolve) => {
      const cat = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      cat.stdout.on('data', (d: Buffer) => (text += d.toString()));
      cat.on('close', () => resolve(text));
    });
    const result = await runCli([at('rows.csv'), '-o', fifo]);
    expect(result.code).toBe(0);
    const text = await reader;
    expect(text.split('\n')).toHaveLength(50_002);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('writes /dev/stdout in place (a shell pipe, as a user would have it)', () => {
    // Through sh, so that stdout is an ordinary pipe; Node's own spawn pipes are sockets, which /dev/stdout cannot open.
    const stdout = execFileSync(
      'sh',
      ['-c', `"${process.execPath}" "${CLI}" "${at('rows.csv')}" -o /dev/stdout 2>/dev/null | cat`],
      {
        maxBuffer: 1 << 30,
      },
    ).toString();
    expect(stdout.split('\n')).toHaveLength(50_002);
  });

  it('reports an unwritable path in one line', async () => {
    writeFileSync(at('plain-file'), 'x');
    const result = await runCli([at('rows.csv'), '-o', at('plain-file/out.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^batch-grad: cannot write .*plain-file\/out.csv: a part of the path is not a folder \[OUTPUT_FAILED\]\n$/,
    );
  });

  it('reports an input folder that holds no data files', async () => {
    mkdirSync(at('empty-folder'));
    writeFileSync(at('empty-folder/_SUCCESS'), '');
    const result = await runCli([at('empty-folder'), '-o', at('never.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*empty-folder: the folder holds no data files \[INPUT_NOT_FOUND\]/);
    expect(existsSync(at('never.csv'))).toBe(false);
  });
});
