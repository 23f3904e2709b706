/**
 * Every shell example in the README and docs/ runs verbatim on the bundled data (in a scratch copy of data/,
 * with `batch-grad` on the PATH), and a transcript (`$ command`, then what it prints) prints what it shows:
 * each shown line in order, `...` standing for any lines. A block that needs what this machine lacks (GNU
 * parallel, Slurm, Spark, a Dask scheduler) is fenced as `sh norun`, and says so in its text. Every
 * JavaScript example runs as a module there too, importing 'batch-grad' as a user's program would.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, temporaryFolder } from './support/cli.js';

interface Block {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

function fencedBlocks(file: string, fence: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== fence) continue;
    const end = lines.indexOf('```', i + 1);
    blocks.push({ file, line: i + 1, text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

const documents = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const blocks = documents.flatMap((file) => fencedBlocks(file, '```sh'));
const programs = documents.flatMap((file) => fencedBlocks(file, '```js'));
const folder = temporaryFolder();
afterAll(folder.cleanup);

function scratch(name: string): string {
  const cwd = join(folder.path, name);
  mkdirSync(join(cwd, 'bin'), { recursive: true });
  // A user's node_modules: batch-grad itself, and the packages a program may import beside it.
  mkdirSync(join(cwd, 'node_modules'));
  symlinkSync(ROOT, join(cwd, 'node_modules/batch-grad'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (!name.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', name), join(cwd, 'node_modules', name));
  }
  cpSync(join(ROOT, 'data'), join(cwd, 'data'), {
    recursive: true,
    filter: (path) => !/\.(grads\.csv|summary\.json)$/.test(path),
  });
  writeFileSync(join(cwd, 'bin/batch-grad'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(cwd, 'bin/batch-grad'), 0o755);
  return cwd;
}

function sh(command: string, cwd: string): { status: number | null; output: string } {
  const result = spawnSync('bash', ['-c', `set -eo pipefail\n${command}`], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(cwd, 'bin')}:${process.env.PATH}` },
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The shown lines appear in the printed ones in order; `...` stands for any lines. */
function expectShown(printed: string, shown: readonly string[], where: string): void {
  const lines = printed.split('\n');
  let at = 0;
  let skipping = false;
  for (const expected of shown) {
    if (expected === '...') {
      skipping = true;
      continue;
    }
    const found = skipping ? lines.indexOf(expected, at) : lines[at] === expected ? at : -1;
    expect(found, `${where}: "${expected}" not printed where shown, in:\n${printed}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
    skipping = false;
  }
}

describe('the shell examples of the README and docs', () => {
  it('are found (the reader sees the blocks)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(blocks.some((block) => block.text.startsWith('$ '))).toBe(true);
  });

  it.each(blocks.map((block) => [`${block.file}:${block.line}`, block] as const))(
    '%s runs on the bundled data as shown',
    (where, block) => {
      const cwd = scratch(where.replace(/[/:.]/g, '-'));
      if (!block.text.startsWith('$ ')) {
        const result = sh(block.text, cwd);
        expect(result.status, `${where}:\n${result.output}`).toBe(0);
        return;
      }
      // A transcript: each command, then the lines it prints.
      const steps = block.text.split(/^\$ /m).filter((step) => step !== '');
      for (const step of steps) {
        const [command, ...shown] = step.replace(/\n$/, '').split('\n');
        const result = sh(`${command!} 2>&1`, cwd);
        expect(result.status, `${where}: ${command}\n${result.output}`).toBe(0);
        expectShown(result.output, shown, `${where}: ${command}`);
      }
    },
    120_000,
  );

  it('include JavaScript examples (the reader sees them)', () => {
    expect(programs.length).toBeGreaterThanOrEqual(4);
  });

  it.each(programs.map((block) => [`${block.file}:${block.line}`, block] as const))(
    '%s (JavaScript) runs on the bundled data',
    (where, block) => {
      const cwd = scratch(where.replace(/[/:.]/g, '-'));
      writeFileSync(join(cwd, 'example.mjs'), block.text);
      const result = spawnSync(process.execPath, ['example.mjs'], { cwd, encoding: 'utf8', timeout: 60_000 });
      expect(result.status, `${where}:\n${result.stdout}${result.stderr}`).toBe(0);
    },
    120_000,
  );
});
