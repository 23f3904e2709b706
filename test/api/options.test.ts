/**
 * The library takes one option vocabulary at every entry point, and refuses what it would otherwise ignore:
 * an unknown or misplaced key, a Table from another apache-arrow.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  tableFromArrays as foreignTableFromArrays,
  tableFromIPC as foreignTableFromIPC,
  tableToIPC as foreignTableToIPC,
} from 'apache-arrow-17';
import { afterAll, describe, expect, it } from 'vitest';
import {
  computeColumns,
  createEngine,
  fit,
  gradients,
  gradientsTable,
  gradStream,
  mergeSummaries,
  runFile,
} from '../../src/index.js';
import { ROOT, temporaryFolder } from '../support/cli.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
afterAll(folder.cleanup);
const NOTEBOOK = join(ROOT, 'data/notebook.csv');

describe('the formula', () => {
  it('is taken as model or as expr by runFile, gradients and computeColumns alike', async () => {
    for (const choice of [{ model: 'w1*x1' }, { expr: 'w1*x1' }]) {
      await runFile({ input: NOTEBOOK, output: at('formula.csv'), threads: 1, ...choice });
      expect(readFileSync(at('formula.csv'), 'utf8')).toBe('f,df_dw1,df_dx1\n-2,-1,2\n');
      const rows = [];
      for await (const row of gradients([{ w1: 2, x1: -1 }], { threads: 1, ...choice })) rows.push(row);
      expect(rows).toEqual([{ f: -2, df_dw1: -1, df_dx1: 2 }]);
    }
    expect(Array.from(computeColumns({ w: [5], x: [2] }, { expr: 'w*x' }).gradients.w!)).toEqual([2]);
  });

  it('may not be given twice', async () => {
    await expect(runFile({ input: NOTEBOOK, output: at('twice.csv'), model: 'w1', expr: 'x1' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});

describe('an unknown or misplaced key', () => {
  it.each([
    [
      'runFile()',
      () => runFile({ input: NOTEBOOK, output: at('x.csv'), modle: 'w1*x1' } as never),
      /runFile\(\) does not take the option "modle"; did you mean model\?/,
    ],
    [
      'gradients()',
      () => gradients([], { output: 'x.csv' } as never),
      /gradients\(\) does not take the option "output" \(engine\.runFile\(\), runFile\(\) take it\)/,
    ],
    [
      'gradStream()',
      () => gradStream({ summary: 'x.json' } as never),
      /gradients\(\) does not take the option "summary" \(engine\.runFile\(\), runFile\(\), mergeSummaries\(\) take it\)/,
    ],
    [
      'fit()',
      () => fit({ input: NOTEBOOK, loss: 'bce', label: 'b', output: 'model.json' } as never),
      /fit\(\) does not take the option "output"/,
    ],
    [
      'createEngine()',
      () => createEngine({ thread: 2 } as never),
      /createEngine\(\) does not take the option "thread"; did you mean threads\?/,
    ],
    [
      'mergeSummaries()',
      () => mergeSummaries([], { out: 'x' } as never),
      /mergeSummaries\(\) does not take the option "out" \(fit\(\) takes it\)/,
    ],
    [
      'computeColumns()',
      () => computeColumns({ x: [1] }, { expr: 'x', keep: ['x'] } as never),
      /computeColumns\(\) does not take the option "keep"/,
    ],
  ])('%s: INVALID_OPTION naming it', async (_entry, call, message) => {
    let caught: unknown;
    try {
      await call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(message) });
  });

  it("an engine's methods refuse threads, which the engine decides", async () => {
    const engine = createEngine({ threads: 1 });
    try {
      await expect(engine.runFile({ input: NOTEBOOK, output: at('e.csv'), threads: 2 } as never)).rejects.toMatchObject(
        { code: 'INVALID_OPTION' },
      );
      expect(() => engine.gradients([], { threads: 2 } as never)).toThrow(
        /engine\.gradients\(\) does not take the option "threads"/,
      );
      await engine.runFile({ input: NOTEBOOK, output: at('e.csv') });
      expect(readFileSync(at('e.csv'), 'utf8')).toMatch(/^f,/);
    } finally {
      await engine.close();
    }
  });
});

describe('gradientsTable with another apache-arrow', () => {
  const columns = { w1: [2], w2: [-3], x1: [-1], x2: [-2], b: [-3] };
  const foreign = foreignTableFromArrays(
    Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Float64Array.from(v)])),
  );

  it('refuses its Table with a message saying what to pass instead (not a stack overflow)', async () => {
    await expect(gradientsTable(foreign as never, { threads: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/another copy or version.*tableToIPC\(table\)/),
    });
  });

  it('takes its IPC bytes and gives IPC bytes that it reads', async () => {
    const result = foreignTableFromIPC(await gradientsTable(foreignTableToIPC(foreign, 'stream'), { threads: 1 }));
    expect(result.getChild('f')!.get(0)).toBe(0.7310585786300049);
    expect(result.getChild('df_dw1')!.get(0)).toBe(-0.19661193324148188);
    const file = foreignTableFromIPC(await gradientsTable(foreignTableToIPC(foreign, 'file'), { threads: 1 }));
    expect(file.numRows).toBe(1);
  });
});
