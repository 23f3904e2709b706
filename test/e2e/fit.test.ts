/** batch-grad fit through the built CLI and the library: it converges, and its whole path is the same bits for any split. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../../src/index.js';
import { runCli, temporaryFolder } from '../support/cli.js';
import { seededRandom, uniform } from '../support/random.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const json = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(at(name), 'utf8')) as Record<string, unknown>;
afterAll(folder.cleanup);

const TRUE = { w_a: 1.5, w_c: -2, b: 0.3 };
const POISSON = { w_a: 0.4, w_c: -0.6, b: 0.8 };

beforeAll(() => {
  const random = seededRandom(8);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = ['a,c,y'];
  for (let i = 0; i < 60_000; i++) {
    const a = normal();
    const c = normal();
    const p = 1 / (1 + Math.exp(-(TRUE.w_a * a + TRUE.w_c * c + TRUE.b)));
    lines.push(`${a},${c},${random() < p ? 1 : 0}`);
  }
  writeFileSync(at('clicks.csv'), `${lines.join('\n')}\n`);
  const t = Array.from({ length: 3000 }, () => uniform(random, 0.5, 10));
  const counts = ['a,c,n'];
  for (let i = 0; i < 20_000; i++) {
    const a = 0.5 * normal();
    const c = 0.5 * normal();
    const mean = Math.exp(POISSON.w_a * a + POISSON.w_c * c + POISSON.b);
    // A Poisson draw by counting unit-rate arrivals before `mean`.
    let n = 0;
    let t = -Math.log(1 - random());
    while (t < mean) {
      n++;
      t -= Math.log(1 - random());
    }
    counts.push(`${a},${c},${n}`);
  }
  writeFileSync(at('counts.csv'), `${counts.join('\n')}\n`);
  writeFileSync(at('power.csv'), `t,y\n${t.map((ti) => `${ti},${2.5 * ti ** -0.7 + 0.01 * normal()}`).join('\n')}\n`);
});

const FIT = ['fit', '--features', 'a,c', '--label', 'y', '--loss', 'bce'];

describe('batch-grad fit', () => {
  it('converges to the generating parameters, and writes a model whose params feed straight back', async () => {
    const result = await runCli([...FIT, at('clicks.csv'), '--out', at('model.json'), '--l2', '1e-5']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^iteration 1: loss [\d.]+, gradient [\d.e+-]+, step [\d.e+-]+$/m);
    const model = json('model.json') as {
      params: Record<string, number>;
      status: string;
      gradientNorm: number;
      rows: unknown;
      iterations: number;
      log: unknown[];
    };
    expect(model.status).toBe('converged');
    expect(model.gradientNorm).toBeLessThanOrEqual(1e-8);
    expect(model.rows).toEqual({ used: 60_000, rejected: 0 });
    expect(model.log).toHaveLength(model.iterations);
    for (const [name, value] of Object.entries(TRUE)) expect(Math.abs(model.params[name]! - value)).toBeLessThan(0.1);
    const again = await runCli([
      at('clicks.csv'),
      '-o',
      '-',
      '--features',
      'a,c',
      '--label',
      'y',
      '--loss',
      'bce',
      '--params',
      at('model.json'),
      '--summary',
      at('at-fit.json'),
    ]);
    expect(again.code).toBe(0);
    // At the optimum the mean gradient of the loss is -l2 * w for each weight, and 0 for the bias.
    const columns = (json('at-fit.json') as { columns: Record<string, { mean: number }> }).columns;
    expect(Math.abs(columns.dloss_db!.mean)).toBeLessThan(1e-8);
    expect(Math.abs(columns.dloss_dw_a!.mean + 1e-5 * model.params.w_a!)).toBeLessThan(1e-8);
  });

  const SPLITS = [
    ['--threads', '1', '--batch-size', '100000'],
    ['--threads', '2', '--batch-size', '3000'],
    ['--threads', '2', '--batch-size', '700', '--cache'],
  ];

  it.each(['newton', 'lbfgs'])(
    'takes the same %s path, every iterate to the bit, for 1 and 2 threads, two batch sizes, streamed or cached',
    async (method) => {
      const models: unknown[] = [];
      for (const [k, extra] of SPLITS.entries()) {
        const out = at(`bits-${method}-${k}.json`);
        const result = await runCli([
          ...FIT,
          at('clicks.csv'),
          '--out',
          out,
          '--l2',
          '1e-4',
          '--method',
          method,
          ...extra,
        ]);
        expect(result.code).toBe(0);
        const { params, log, loss, gradient, evaluations } = JSON.parse(readFileSync(out, 'utf8')) as Record<
          string,
          unknown
        >;
        models.push({ params, log, loss, gradient, evaluations });
      }
      expect(models[1]).toEqual(models[0]);
      expect(models[2]).toEqual(models[0]);
    },
  );

  it("Newton's method reaches L-BFGS's optimum (to 1e-7) in fewer passes, and model.json says how it went", async () => {
    const models = ['newton', 'lbfgs'].map(
      (method) =>
        json(`bits-${method}-0.json`) as {
          method: string;
          params: Record<string, number>;
          evaluations: number;
          iterations: number;
          gradientNorm: number;
          log: Array<{ iteration: number; value: number; gradientNorm: number; step: number; evaluations: number }>;
        },
    );
    const [byNewton, byLbfgs] = models as [(typeof models)[0], (typeof models)[0]];
    expect(byNewton.method).toBe('newton');
    expect(byLbfgs.method).toBe('lbfgs');
    for (const name of Object.keys(TRUE))
      expect(Math.abs(byNewton.params[name]! - byLbfgs.params[name]!)).toBeLessThan(1e-7);
    expect(byNewton.evaluations).toBeLessThan(byLbfgs.evaluations);
    // Newton's last steps converge quadratically: far below the tolerance L-BFGS just meets.
    expect(byNewton.gradientNorm).toBeLessThan(1e-12);
    expect(byNewton.log).toHaveLength(byNewton.iterations);
    expect(byNewton.log.at(-1)!.evaluations).toBe(byNewton.evaluations);
    for (const entry of byNewton.log)
      expect(Object.keys(entry).sort()).toEqual(['evaluations', 'gradientNorm', 'iteration', 'step', 'value']);
  });

  it('fits a formula by nonlinear least squares: a power law a * t^b', async () => {
    const POWER = ['fit', at('power.csv'), '-e', 'a * t^b', '--param', 'a=1', '--param', 'b=-0.1'];
    const result = await runCli([...POWER, '--label', 'y', '--loss', 'squared', '--out', at('power.json')]);
    expect(result.code).toBe(0);
    const { params, method, log } = json('power.json') as {
      params: { a: number; b: number };
      method: string;
      log: Array<{ damping: number }>;
    };
    expect(method).toBe('lm');
    for (const entry of log) expect(entry.damping).toBeGreaterThan(0);
    expect(Math.abs(params.a - 2.5)).toBeLessThan(0.01);
    expect(Math.abs(params.b + 0.7)).toBeLessThan(0.01);
    // The same path, to the bit, on other splits.
    const models: unknown[] = [];
    for (const [k, extra] of SPLITS.entries()) {
      const out = at(`power-${k}.json`);
      const again = await runCli([...POWER, '--label', 'y', '--loss', 'squared', '--out', out, ...extra]);
      expect(again.code).toBe(0);
      const { log: path, params: found } = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      models.push({ path, found });
    }
    expect(models[0]).toEqual({ path: log, found: params });
    expect(models[1]).toEqual(models[0]);
    expect(models[2]).toEqual(models[0]);
  });

  it('fits a Poisson regression by Newton steps, the same bits on every split, and locates a negative count', async () => {
    const POISSON_FIT = [
      'fit',
      at('counts.csv'),
      '--features',
      'a,c',
      '--label',
      'n',
      '--loss',
      'poisson',
      '--l2',
      '1e-4',
    ];
    const models: unknown[] = [];
    for (const [k, extra] of SPLITS.entries()) {
      const out = at(`poisson-${k}.json`);
      const result = await runCli([...POISSON_FIT, '--out', out, ...extra]);
      expect(result.code).toBe(0);
      const { params, log, method, status } = JSON.parse(readFileSync(out, 'utf8')) as {
        params: Record<string, number>;
        log: unknown[];
        method: string;
        status: string;
      };
      expect({ method, status }).toEqual({ method: 'newton', status: 'converged' });
      for (const [name, value] of Object.entries(POISSON)) expect(Math.abs(params[name]! - value)).toBeLessThan(0.05);
      models.push({ params, log });
    }
    expect(models[1]).toEqual(models[0]);
    expect(models[2]).toEqual(models[0]);
    writeFileSync(at('negative.csv'), `${readFileSync(at('counts.csv'), 'utf8').trimEnd()}\n0.1,0.2,-3\n`);
    const refused = await runCli(['fit', at('negative.csv'), '--features', 'a,c', '--label', 'n', '--loss', 'poisson']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${at('negative.csv')}:20002, column 3 (n): a poisson label must be a finite number >= 0`,
    );
    expect(refused.stderr).toContain('[LABEL_INVALID]');
  });

  it('skips the same bad rows in every pass and counts them once', async () => {
    writeFileSync(at('dirty.csv'), `${readFileSync(at('clicks.csv'), 'utf8').trimEnd()}\n1,2,0.5\nx,1,0\n`);
    const result = await runCli([
      ...FIT,
      at('dirty.csv'),
      '--out',
      at('dirty.json'),
      '--on-error',
      'skip',
      '--rejects',
      at('dirty.rej.csv'),
    ]);
    expect(result.code).toBe(0);
    expect((json('dirty.json') as { rows: unknown }).rows).toEqual({ used: 60_000, rejected: 2 });
    expect(readFileSync(at('dirty.rej.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });

  it('refuses what it cannot do, with codes', async () => {
    expect((await runCli(['fit', at('clicks.csv'), '--features', 'a,c'])).stderr).toMatch(
      /fit needs a loss to minimise.*\[INVALID_OPTION\]/,
    );
    expect(
      (
        await runCli(['fit', '-', '--features', 'a,c', '--label', 'y', '--loss', 'bce', '--cache'], {
          stdin: 'a,c,y\n1,2,1\n',
        })
      ).stderr,
    ).toMatch(/--cache needs files.*\[INVALID_OPTION\]/);
    expect(
      (await runCli(['fit', at('clicks.csv'), '--features', 'a,c', '--label', 'y', '--loss', 'bce', '--max-iter', '0']))
        .code,
    ).toBe(2);
  });

  it('is a library function returning the same record', async () => {
    const result = await fit({
      input: at('clicks.csv'),
      features: ['a', 'c'],
      label: 'y',
      loss: 'bce',
      l2: 1e-4,
      threads: 2,
      batchSize: 3000,
    });
    expect({ params: result.params, log: result.log }).toEqual({
      params: json('bits-newton-0.json').params,
      log: json('bits-newton-0.json').log,
    });
    expect(result.status).toBe('converged');
  });
});
