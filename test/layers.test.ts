/**
 * The house rules, read from the imports themselves: layers point one way, so each new format, loss or
 * command has one obvious place and nothing below it depends on it.
 *
 *   base (errors.ts, built-file.ts) <- core <- compute <- engine <- pipeline <- api (index.ts) <- cli
 *
 * A module imports its own layer or lower ones. The worker thread imports compute, the worker protocol and
 * the base only. Nothing in src/ imports tests, benchmarks or workers; tests do not import benchmarks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

const LAYERS = ['base', 'core', 'compute', 'engine', 'pipeline', 'api', 'cli'] as const;

function filesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.c?ts$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Every relative module a file imports (static, type-only, re-exported or dynamic), as a repository path. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.map((s) => normalize(join(dirname(file), s)).replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts'));
}

function layerOf(file: string): (typeof LAYERS)[number] | 'workers' | 'wasm' | 'test' | 'bench' {
  if (file === 'src/errors.ts' || file === 'src/built-file.ts' || file === 'src/nearest-name.ts') return 'base';
  if (file === 'src/index.ts') return 'api';
  const [top, folder] = file.split('/');
  if (top === 'src') {
    if (folder === 'wasm') return 'wasm';
    if ((LAYERS as readonly string[]).includes(folder!)) return folder as (typeof LAYERS)[number];
    throw new Error(`${file} is in no layer: put it in one of src/${LAYERS.slice(1).join(', src/')}`);
  }
  return top as 'workers' | 'test' | 'bench';
}

function violations(): string[] {
  const found: string[] = [];
  const files = ['src', 'workers', 'test', 'bench'].flatMap(filesUnder);
  for (const file of files) {
    const from = layerOf(file);
    if (from === 'wasm') continue;
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      const bad =
        from === 'workers' ? !(to === 'workers' || to === 'base' || to === 'compute' || target === 'src/engine/protocol.ts')
        : from === 'test' ? to === 'bench'
        : from === 'bench' ? false
        : to === 'workers' || to === 'test' || to === 'bench' || to === 'wasm' || LAYERS.indexOf(to) > LAYERS.indexOf(from);
      if (bad) found.push(`${file} (${from}) imports ${target} (${to})`);
    }
  }
  return found;
}

describe('the layers', () => {
  it('point one way: no module imports a layer above its own', () => {
    expect(violations()).toEqual([]);
  });

  it('are checked on real imports (the reader finds the ones it must refuse)', () => {
    expect(importsOf('src/cli/main.ts')).toContain('src/index.ts');
    expect(importsOf('workers/thread-entry.cts')).toEqual(expect.arrayContaining(['src/engine/protocol.ts', 'workers/grad-worker.ts']));
    expect(importsOf('src/pipeline/csv-run.ts')).toContain('src/compute/process-chunk.ts');
    expect(layerOf('src/compute/numbers/grammar.ts')).toBe('compute');
  });
});
