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
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map(
    (m) => m[1]!,
  );
  return specifiers.map((s) =>
    normalize(join(dirname(file), s))
      .replace(/\.js$/, '.ts')
      .replace(/\.cjs$/, '.cts'),
  );
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
        from === 'workers'
          ? !(to === 'workers' || to === 'base' || to === 'compute' || target === 'src/engine/protocol.ts')
          : from === 'test'
            ? to === 'bench'
            : from === 'bench'
              ? false
              : to === 'workers' ||
                to === 'test' ||
                to === 'bench' ||
                to === 'wasm' ||
                LAYERS.indexOf(to) > LAYERS.indexOf(from);
      if (bad) found.push(`${file} (${from}) imports ${target} (${to})`);
    }
  }
  return found;
}

/** Import cycles among `files` (static imports, type-only included): each as the list of its modules. */
function cycles(files: readonly string[], importsOfFile: (file: string) => string[] = importsOf): string[][] {
  const known = new Set(files);
  const edges = new Map(files.map((file) => [file, importsOfFile(file).filter((target) => known.has(target))]));
  // Tarjan's strongly connected components; a component of more than one module is a cycle.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, index);
    low.set(file, index++);
    stack.push(file);
    for (const next of edges.get(file)!) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, order.get(next)!));
    }
    if (low.get(file) === order.get(file)) {
      const component: string[] = [];
      for (let top = stack.pop()!; ; top = stack.pop()!) {
        component.push(top);
        if (top === file) break;
      }
      if (component.length > 1 || edges.get(file)!.includes(file)) found.push(component.sort());
    }
  };
  for (const file of files) if (!order.has(file)) visit(file);
  return found;
}

describe('the layers', () => {
  it('point one way: no module imports a layer above its own', () => {
    expect(violations()).toEqual([]);
  });

  it('are checked on real imports (the reader finds the ones it must refuse)', () => {
    expect(importsOf('src/cli/main.ts')).toContain('src/index.ts');
    expect(importsOf('workers/thread-entry.cts')).toEqual(
      expect.arrayContaining(['src/engine/protocol.ts', 'workers/grad-worker.ts']),
    );
    expect(importsOf('src/pipeline/sources/csv-stream.ts')).toContain('src/compute/csv/process-chunk.ts');
    expect(layerOf('src/compute/numbers/grammar.ts')).toBe('compute');
    const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'], e: ['e'] };
    expect(cycles(Object.keys(graph), (file) => graph[file]!)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('give the package entry the api, the core and the error table only: nothing from below the api', () => {
    const below = importsOf('src/index.ts').filter(
      (target) => !(target.startsWith('src/api/') || target.startsWith('src/core/') || target === 'src/errors.ts'),
    );
    expect(below).toEqual([]);
  });

  it('are rooms of at most a dozen modules: no folder of src/ holds more than 12 source files directly', () => {
    const byFolder = new Map<string, number>();
    for (const file of filesUnder('src')) byFolder.set(dirname(file), (byFolder.get(dirname(file)) ?? 0) + 1);
    const crowded = [...byFolder].filter(([, count]) => count > 12).map(([folder, count]) => `${folder}: ${count}`);
    expect(crowded).toEqual([]);
  });

  it('keep the worker protocol between the engine and the workers', () => {
    const speakers = filesUnder('src').filter(
      (file) => !file.startsWith('src/engine/') && importsOf(file).includes('src/engine/protocol.ts'),
    );
    expect(speakers).toEqual([]);
  });

  it('have no import circle anywhere in src/ or workers/', () => {
    expect(cycles(['src', 'workers'].flatMap(filesUnder))).toEqual([]);
  });
});
