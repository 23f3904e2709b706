/**
 * Nothing a user had is lost: a run never writes over its input or over one of its own outputs, never
 * removes a file it did not create (a pipe, /dev/null, a file it was replacing), cleans up after signals in
 * every command, and clears the temporaries of runs that were killed outright.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, runCli, temporaryFolder } from '../support/cli.js';
import { writeGeneratedCsv } from '../support/generate.js';
import { seededRandom } from '../support/seeded-random.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);

beforeAll(async () => {
  await writeGeneratedCsv(at('rows.csv'), { rows: 20_000, features: 2, seed: 21 });
  writeFileSync(at('clicks.csv'), readFileSync(join(ROOT, 'data/clicks.csv')));
});

const waitFor = async (ready: () => boolean): Promise<void> => {
  for (let waited = 0; !ready() && waited < 30_000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(ready()).toBe(true);
};

describe('paths that would destroy a file are refused before anything is opened', () => {
  it('fit --out equal to the input (SAME_INPUT_OUTPUT), the training data untouched', async () => {
    const before = readFileSync(at('clicks.csv'));
    const fit = ['fit', at('clicks.csv'), '--features', 'age,income', '--label', 'clicked', '--loss', 'bce'];
    const result = await runCli([...fit, '--out', at('clicks.csv')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out .*clicks\.csv is the input file; choose another path \[SAME_INPUT_OUTPUT\]/);
    expect(readFileSync(at('clicks.csv'))).toEqual(before);
    const rejects = await runCli([...fit, '--on-error', 'skip', '--rejects', at('clicks.csv')]);
    expect(rejects.code).toBe(2);
    expect(readFileSync(at('clicks.csv'))).toEqual(before);
  });

  it.each([
    [['--summary', 'same.csv'], '--summary and --out'],
    [['--on-error', 'skip', '--rejects', 'same.csv'], '--rejects and --out'],
  ])('two outputs on one path (%j): SAME_OUTPUT, the file that was there untouched', async (extra, named) => {
    writeFileSync(at('same.csv'), 'precious\n');
    const result = await runCli([at('rows.csv'), '-o', 'same.csv', ...extra], { cwd: folder.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `batch-grad: ${named} both write to same.csv; give each output its own path [SAME_OUTPUT]\n`,
    );
    expect(readFileSync(at('same.csv'), 'utf8')).toBe('precious\n');
    expect(readdirSync(folder.path).filter((name) => name.startsWith('.same.csv'))).toEqual([]);
  });

  it('two outputs on stdout: --rejects - with -o -, --summary - with -o -', async () => {
    for (const extra of [
      ['--on-error', 'skip', '--rejects', '-'],
      ['--summary', '-'],
    ]) {
      const result = await runCli([at('rows.csv'), '-o', '-', ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/both write to stdout \(-\); give each output its own path \[SAME_OUTPUT\]/);
      expect(result.stdout).toBe('');
    }
  });
});

/**
 * Starts a run reading stdin, waits until its summary's temporary file is open, makes the summary's target a
 * folder (so that its commit fails after the results are in place), then lets the run finish.
 */
async function runWhoseSummaryFails(output: string, summary: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '-', '-o', output, '--summary', summary], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const text = readFileSync(at('rows.csv'), 'utf8');
  await new Promise((resolve) => child.stdin.write(text.slice(0, text.length >> 1), resolve));
  const name = summary.split('/').pop()!;
  await waitFor(() => readdirSync(folder.path).some((entry) => entry.startsWith(`.${name}.`)));
  mkdirSync(summary);
  child.stdin.end(text.slice(text.length >> 1));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

describe('when a later output fails to commit, the outputs already in place are rolled back', () => {
  it('a file that was there is put back as it was', async () => {
    writeFileSync(at('kept.csv'), 'precious\n');
    const result = await runWhoseSummaryFails(at('kept.csv'), at('s1.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write .*s1\.json: it is a folder \[OUTPUT_FAILED\]/);
    expect(readFileSync(at('kept.csv'), 'utf8')).toBe('precious\n');
    expect(
      readdirSync(folder.path).filter((name) => name.startsWith('.kept.csv') || name.startsWith('.s1.json')),
    ).toEqual([]);
  });

  it('a file the run created is removed', async () => {
    const result = await runWhoseSummaryFails(at('created.csv'), at('s2.json'));
    expect(result.code).toBe(1);
    expect(existsSync(at('created.csv'))).toBe(false);
  });

  it('a named pipe given to -o is written in place and never removed', async () => {
    execFileSync('mkfifo', [at('pipe')]);
    const reader = spawn('cat', [at('pipe')], { stdio: ['ignore', 'ignore', 'ignore'] });
    const result = await runWhoseSummaryFails(at('pipe'), at('s3.json'));
    reader.kill();
    expect(result.code).toBe(1);
    expect(statSync(at('pipe')).isFIFO()).toBe(true);
  });

  it('/dev/null is written in place and never removed', async () => {
    const result = await runWhoseSummaryFails('/dev/null', at('s4.json'));
    expect(result.code).toBe(1);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('fit on a signal', () => {
  beforeAll(() => {
    const random = seededRandom(22);
    const rows = Array.from({ length: 200_000 }, () => {
      const x = [random(), random(), random(), random()].map((v) => 4 * v - 2);
      return `${x.join(',')},${random() < 1 / (1 + Math.exp(-(x[0]! - x[1]!))) ? 1 : 0}`;
    });
    writeFileSync(at('fit.csv'), `x1,x2,x3,x4,y\n${rows.join('\n')}\n`);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops fit, removes its temporary model, exits %d', async (signal, code) => {
    const model = at(`model-${signal}.json`);
    const child = spawn(
      process.execPath,
      [
        CLI,
        'fit',
        at('fit.csv'),
        '--features',
        'x1,x2,x3,x4',
        '--label',
        'y',
        '--loss',
        'bce',
        '--tol',
        '0',
        '--max-iter',
        '1000',
        '--out',
        model,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => readdirSync(folder.path).some((entry) => entry.startsWith(`.model-${signal}.json.`)));
    child.kill(signal);
    const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(exit).toBe(code);
    expect(stderr).toMatch(new RegExp(`batch-grad: interrupted by ${signal}; no output was left\\n$`));
    expect(readdirSync(folder.path).filter((entry) => entry.includes(`model-${signal}.json`))).toEqual([]);
  });
});

describe('temporaries of killed runs', () => {
  it("are cleared by a later run to the same output; a live process's, another host's and a backup are left", async () => {
    const dead = spawnSync('true').pid!;
    writeFileSync(at(`.cleared.csv.${hostname()}.${dead}.tmp`), 'half-written');
    // A backup may be the only copy of a replaced file, if its run was killed between publish and settle.
    const backup = `.cleared.csv.${hostname()}.${dead}.bak`;
    writeFileSync(at(backup), 'the file it replaced');
    const live = `.cleared.csv.${hostname()}.${process.pid}.tmp`;
    writeFileSync(at(live), 'another run, still going');
    // In a folder shared between machines, a process id of another host says nothing here.
    const elsewhere = `.cleared.csv.another-host.${dead}.tmp`;
    writeFileSync(at(elsewhere), "another machine's run");
    const result = await runCli([at('rows.csv'), '-o', at('cleared.csv')]);
    expect(result.code).toBe(0);
    expect(
      readdirSync(folder.path)
        .filter((name) => name.startsWith('.cleared.csv'))
        .sort(),
    ).toEqual([live, backup, elsewhere].sort());
  });

  it('a symbolic link given as an output and rolled back is put back as the link it was', async () => {
    writeFileSync(at('link-target.csv'), 'precious\n');
    symlinkSync(at('link-target.csv'), at('linked.csv'));
    const result = await runWhoseSummaryFails(at('linked.csv'), at('s5.json'));
    expect(result.code).toBe(1);
    expect(lstatSync(at('linked.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(at('linked.csv'), 'utf8')).toBe('precious\n');
  });

  it('a run killed with SIGKILL leaves one, and the next run removes it', async () => {
    const child = spawn(process.execPath, [CLI, '-', '-o', at('killed.csv')], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.on('error', () => undefined);
    child.stdin.write(readFileSync(at('rows.csv'), 'utf8').slice(0, 100_000));
    await waitFor(() => readdirSync(folder.path).some((entry) => entry.startsWith('.killed.csv.')));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    expect(readdirSync(folder.path).filter((name) => name.startsWith('.killed.csv.'))).toHaveLength(1);
    expect((await runCli([at('rows.csv'), '-o', at('killed.csv')])).code).toBe(0);
    expect(readdirSync(folder.path).filter((name) => name.startsWith('.killed.csv.'))).toEqual([]);
  });
});

describe('the summary is the same bytes for any split', () => {
  it('1 thread with --batch-size 7, 2 threads with 1000, the default ranges, and 3 merged shards', async () => {
    await writeGeneratedCsv(at('split.csv'), { rows: 6_000, features: 3, seed: 23 });
    const runs: Array<[string, string[]]> = [
      ['t1-b7', ['--threads', '1', '--batch-size', '7']],
      ['t2-b1000', ['--threads', '2', '--batch-size', '1000']],
      ['default', []],
    ];
    for (const [name, extra] of runs) {
      const result = await runCli([
        at('split.csv'),
        '-o',
        at(`${name}.csv`),
        '--summary',
        at(`${name}.json`),
        ...extra,
      ]);
      expect(result.code).toBe(0);
    }
    for (const k of [1, 2, 3]) {
      expect(
        (
          await runCli([
            at('split.csv'),
            '--shard',
            `${k}/3`,
            '-o',
            at(`part-${k}.csv`),
            '--summary',
            at(`part-${k}.json`),
            '--threads',
            '2',
            '--batch-size',
            String(100 * k),
          ])
        ).code,
      ).toBe(0);
    }
    expect(
      (await runCli(['merge', at('part-1.json'), at('part-2.json'), at('part-3.json'), '--summary', at('merged.json')]))
        .code,
    ).toBe(0);
    const withoutPaths = (name: string): string =>
      readFileSync(at(name), 'utf8').replace(/^ {2}"(input|output)": .*\n/gm, '');
    const reference = withoutPaths('t1-b7.json');
    expect(reference).toMatch(/"partials"/);
    for (const name of ['t2-b1000.json', 'default.json', 'merged.json']) expect(withoutPaths(name)).toBe(reference);
  });
});
