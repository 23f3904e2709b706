/** What a new user meets first: each case here failed on the build before it was fixed. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { progressLine } from '../../src/pipeline/io/progress.js';
import { ROOT, runCli, temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);
const NOTEBOOK = join(ROOT, 'data/notebook.csv');
const SAMPLE = join(ROOT, 'data/sample.csv');

describe('the command line', () => {
  it('takes a formula that starts with a minus after -e and --expr', async () => {
    for (const flag of ['-e', '--expr']) {
      const result = await runCli([NOTEBOOK, '-o', '-', flag, '-(w1^2)']);
      expect(result.stderr).not.toMatch(/YError|Not enough arguments/);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('f,df_dw1\n-4,-4\n');
    }
  });

  it.each([
    [[], /Not enough non-option arguments/],
    [[NOTEBOOK], /Missing required argument: out/],
    [[NOTEBOOK, '-o', '-', '--colour'], /unknown option --colour \[INVALID_OPTION\]/],
  ])('gives usage errors %j the code every error has', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^batch-grad: .* \[INVALID_OPTION\]$/m);
  });

  it('leaves no output at all when the summary cannot be written, and computes nothing', async () => {
    const result = await runCli([SAMPLE, '-o', at('partial.csv'), '--summary', at('no-such-folder/s.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write .*s\.json: the folder does not exist \[OUTPUT_FAILED\]/);
    expect(result.stderr).not.toMatch(/rows:/);
    expect(readdirSync(folder.path).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('says "on when stderr is a terminal" for --progress, without a contradicting default', async () => {
    const result = await runCli(['--help']);
    const line = result.stdout.split('\n').find((l) => l.includes('--progress'))!;
    expect(line).toMatch(/on when stderr is a terminal/);
    expect(line).not.toMatch(/default: false/);
  });

  it('suggests -d when the header holds tabs or semicolons but no commas', async () => {
    writeFileSync(at('tabs.csv'), 'id\tw1\tx1\tb\n1\t2\t3\t4\n');
    const tabs = await runCli([at('tabs.csv'), '-o', '-']);
    expect(tabs.stderr).toMatch(/the header holds tabs but no commas: give -d tab \[HEADER_INVALID\]/);
    writeFileSync(at('semi.csv'), 'w1;x1;b\n1;2;3\n');
    const semi = await runCli([at('semi.csv'), '-o', '-', '-e', 'w1*x1']);
    expect(semi.stderr).toMatch(/give -d ';'/);
    const fixed = await runCli([at('tabs.csv'), '-o', '-', '-d', 'tab']);
    expect(fixed.code).toBe(0);
  });

  it('prints counts with thousands separators, as the progress line does', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `${i},1,2,3`).join('\n');
    writeFileSync(at('many.csv'), `id,w1,x1,b\n${rows}\n`);
    const result = await runCli([at('many.csv'), '-o', at('many.out.csv')]);
    expect(result.stderr).toMatch(/rows: 1,500 read, 1,500 written, 0 rejected/);
  });

  it('draws a bar, the share done and the time left when the size is known', () => {
    expect(progressLine(500_000, 250, 1000, 2)).toBe(
      '[#####...............] 25.0% 500,000 rows, 250,000 rows/s, 6 s left',
    );
    expect(progressLine(1234, 0, undefined, 1)).toBe('1,234 rows, 1,234 rows/s');
  });
});

describe('gzip', () => {
  const plain = (): Promise<string> => runCli([SAMPLE, '-o', '-', '--keep', 'id']).then((r) => r.stdout);

  it('reads a gzip file and gzip on stdin, recognised by their bytes, and writes .gz outputs', async () => {
    const expected = await plain();
    writeFileSync(at('sample.csv.gz'), gzipSync(readFileSync(SAMPLE)));
    const fromFile = await runCli([at('sample.csv.gz'), '-o', '-', '--keep', 'id']);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(expected);
    const fromStdin = await runCli(['-', '-o', '-', '--keep', 'id'], { stdin: gzipSync(readFileSync(SAMPLE)) });
    expect(fromStdin.stdout).toBe(expected);
    const toGz = await runCli([at('sample.csv.gz'), '-o', at('out.csv.gz'), '--keep', 'id']);
    expect(toGz.code).toBe(0);
    expect(gunzipSync(readFileSync(at('out.csv.gz'))).toString('utf8')).toBe(expected);
  });

  it('reports a truncated gzip input with its own code and leaves no output', async () => {
    const whole = gzipSync(readFileSync(SAMPLE));
    writeFileSync(at('cut.csv.gz'), whole.subarray(0, whole.length >> 1));
    const result = await runCli([at('cut.csv.gz'), '-o', at('cut.out.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot decompress .*cut\.csv\.gz: .*\[INPUT_COMPRESSED_INVALID\]/);
    expect(existsSync(at('cut.out.csv'))).toBe(false);
  });
});

describe('the library engine', () => {
  it('refuses every job after close(), however small the input', async () => {
    const engine = createEngine({ threads: 1 });
    await engine.close();
    await expect(engine.runFile({ input: NOTEBOOK, output: at('closed.csv') })).rejects.toMatchObject({
      code: 'ENGINE_CLOSED',
    });
    await expect(
      (async () => {
        for await (const _ of engine.gradients([{ w1: 1, x1: 2, b: 3 }])) void _;
      })(),
    ).rejects.toMatchObject({ code: 'ENGINE_CLOSED' });
    expect(existsSync(at('closed.csv'))).toBe(false);
  });
});

describe('the package', () => {
  const npm = (args: string[], cwd = ROOT): string => {
    const result = spawnSync('npm', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    if (result.status !== 0) throw new Error(`npm ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  it('builds before packing and ships the code, LICENSE and examples, and no source map into missing files', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.prepack).toMatch(/npm run build/);
    // The build itself ran before the tests (npm test); packing here must not rebuild under other tests.
    const [packed] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as Array<{
      files: Array<{ path: string }>;
    }>;
    const files = packed!.files.map((f) => f.path);
    for (const needed of [
      'LICENSE',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/batch-grad.js',
      'dist/workers/thread-entry.cjs',
      'dist/wasm/numbers.wasm',
      'examples/csv-pipeline.mjs',
      'examples/columns.mjs',
      'data/sample.csv',
      'docs/library.md',
      'docs/training.md',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('type-checks for a user on TypeScript 5 and 7 with default settings', () => {
    const project = at('ts-user');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    const tarball = npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', project])
      .trim()
      .split('\n')
      .pop()!;
    const unpacked = join(project, 'node_modules/batch-grad');
    mkdirSync(unpacked);
    expect(spawnSync('tar', ['xzf', join(project, tarball), '-C', unpacked, '--strip-components=1']).status).toBe(0);
    for (const dependency of [
      'piscina',
      'csv-parse',
      'yargs',
      'jsep',
      'apache-arrow',
      'parquet-wasm',
      'hyparquet',
      'hyparquet-writer',
      '@stdlib',
      'flatbuffers',
      'tslib',
      'json-with-bigint',
      '@types',
    ]) {
      symlinkSync(join(ROOT, 'node_modules', dependency), join(project, 'node_modules', dependency));
    }
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(project, 'tsconfig.json'),
      '{ "compilerOptions": { "module": "nodenext", "strict": true, "noEmit": true } }\n',
    );
    writeFileSync(
      join(project, 'index.ts'),
      [
        "import { runFile, createEngine, gradients, type RunSummary } from 'batch-grad';",
        "const summary: RunSummary = await runFile({ input: 'in.csv', output: 'out.csv' });",
        'console.log(summary.rows.read);',
        'const engine = createEngine({ threads: 2 });',
        'for await (const row of gradients([{ w1: 1, x1: 2, b: 0 }])) console.log(row);',
        'await engine.close();',
        '',
      ].join('\n'),
    );
    for (const tsc of ['typescript/bin/tsc', 'typescript-7/bin/tsc']) {
      const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', tsc), '-p', project], {
        encoding: 'utf8',
      });
      expect(`${tsc}: ${result.stdout}${result.stderr}`).toBe(`${tsc}: `);
      expect(result.status).toBe(0);
    }
    // The examples run from the installed package, as its README tells a user.
    for (const example of ['columns.mjs', 'csv-pipeline.mjs']) {
      const run = spawnSync(process.execPath, [join(unpacked, 'examples', example)], {
        cwd: project,
        encoding: 'utf8',
      });
      expect(`${example}: ${run.stderr}`).toBe(`${example}: `);
      expect(run.status).toBe(0);
    }
    expect(readFileSync(join(project, 'grads.jsonl'), 'utf8').split('\n')).toHaveLength(1_001);
  });
});

describe('npm run gen', () => {
  it('prints its usage for --help and a message, not a stack trace, for an unknown option', () => {
    const gen = join(ROOT, 'dist/bench/generate-cli.js');
    const help = spawnSync(process.execPath, [gen, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: npm run gen/);
    const bad = spawnSync(process.execPath, [gen, '--colour'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^gen: Unknown option '--colour'/);
    expect(bad.stderr).not.toMatch(/ERR_PARSE_ARGS|at /);
    const made = spawnSync(process.execPath, [gen, '--rows', '5', '--out', at('gen.csv')], { encoding: 'utf8' });
    expect(made.stderr).toBe(`gen: wrote 5 rows (n=2, seed 1) to ${at('gen.csv')}\n`);
    expect(readFileSync(at('gen.csv'), 'utf8').split('\n')).toHaveLength(7);
  });

  it('does not rebuild when the build is there', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.gen).toMatch(/^test -f dist\/bench\/generate-cli\.js \|\| npm run build/);
  });
});
