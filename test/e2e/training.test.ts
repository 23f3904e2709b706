/** Training gradients through the built CLI: named features, parameters, labels, losses, the batch gradient. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../../src/index.js';
import { runCli, temporaryFolder } from '../support/cli.js';
import { seededRandom, uniform } from '../support/random.js';

const folder = temporaryFolder();
const at = (name: string): string => join(folder.path, name);
const read = (name: string): string => readFileSync(at(name), 'utf8');
afterAll(folder.cleanup);

beforeAll(() => {
  const random = seededRandom(17);
  const lines = ['id,age,income,score,clicked,w'];
  for (let i = 1; i <= 30_000; i++) {
    const age = uniform(random, -2, 2);
    const income = uniform(random, -3, 3);
    const score = uniform(random, -1, 1);
    const clicked = random() < 1 / (1 + Math.exp(-(0.8 * age - 0.5 * income + 0.2))) ? 1 : 0;
    lines.push(`${i},${age},${income},${score},${clicked},${uniform(random, 0, 2)}`);
  }
  writeFileSync(at('clicks.csv'), `${lines.join('\n')}\n`);
});

const TRAIN = [
  '--features',
  'age,income,score',
  '--label',
  'clicked',
  '--loss',
  'bce',
  '--param',
  'w_age=0.5',
  '--param',
  'b=-0.1',
];

describe('training gradients on the command line', () => {
  it('writes f, loss and dloss_d<parameter>, and the summary holds the exact batch gradient and the parameters', async () => {
    const result = await runCli([
      at('clicks.csv'),
      '-o',
      at('g.csv'),
      '--keep',
      'id',
      '--summary',
      at('g.json'),
      ...TRAIN,
    ]);
    expect(result.code).toBe(0);
    const lines = read('g.csv').trimEnd().split('\n');
    expect(lines[0]).toBe('id,f,loss,dloss_dw_age,dloss_dw_income,dloss_dw_score,dloss_db');
    expect(lines).toHaveLength(30_001);
    const summary = JSON.parse(read('g.json')) as {
      params: Record<string, number>;
      loss: object;
      columns: Record<string, { sum: number; mean: number }>;
    };
    expect(summary.params).toEqual({ w_age: 0.5, w_income: 0, w_score: 0, b: -0.1 });
    expect(summary.loss).toEqual({ kind: 'bce', label: 'clicked' });
    // Row by row, the gradient is (f - y) x; f is the predicted probability.
    const input = readFileSync(at('clicks.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    for (const [i, line] of lines.slice(1, 200).entries()) {
      const [, f, loss, dAge, dIncome, , dB] = line.split(',').map(Number);
      const [, age, income, , y] = input[i]!;
      const z = 0.5 * age! - 0.1;
      expect(f).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
      expect(loss).toBeCloseTo(Math.log1p(Math.exp(z)) - y! * z, 14);
      expect(dAge).toBeCloseTo((f! - y!) * age!, 14);
      expect(dIncome).toBeCloseTo((f! - y!) * income!, 14);
      expect(dB).toBeCloseTo(f! - y!, 14);
    }
  });

  it('gives the same output bytes and the same batch gradient, to the bit, for any threads and batch size', async () => {
    const runs = [
      ['--threads', '1', '--batch-size', '100000'],
      ['--threads', '2', '--batch-size', '1000'],
      ['--threads', '2', '--batch-size', '333'],
    ];
    const outputs: Array<{ csv: string; summary: unknown }> = [];
    for (const [k, extra] of runs.entries()) {
      const result = await runCli([
        at('clicks.csv'),
        '-o',
        at(`bits-${k}.csv`),
        '--summary',
        at(`bits-${k}.json`),
        '--weight',
        'w',
        ...TRAIN,
        ...extra,
      ]);
      expect(result.code).toBe(0);
      const summary = JSON.parse(read(`bits-${k}.json`)) as { output: string };
      outputs.push({ csv: read(`bits-${k}.csv`), summary: { ...summary, output: undefined } });
    }
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });

  it('locates a label that is not 0 or 1, and skips it with --on-error skip', async () => {
    writeFileSync(at('labels.csv'), 'x,"note",y\n1,"a",1\n2,"multi\nline",0.5\n3,"c",0\n4,"d",2\n');
    const job = [at('labels.csv'), '-o', at('labels.out.csv'), '--features', 'x', '--label', 'y', '--loss', 'bce'];
    const failed = await runCli(job);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /labels\.csv:4, column 3 \(y\): a bce label must be 0 or 1, got 0\.5: "0\.5" \[LABEL_INVALID\]/,
    );
    const skipped = await runCli([...job, '--on-error', 'skip', '--rejects', at('labels.rej.csv')]);
    expect(skipped.code).toBe(0);
    expect(read('labels.out.csv').trimEnd().split('\n')).toHaveLength(3);
    expect(read('labels.rej.csv')).toMatch(/^line,code,reason,row\n3,LABEL_INVALID,[\s\S]*\n6,LABEL_INVALID,/);
    // Without quotes the chunk takes the fast parser first; the label check is the same.
    writeFileSync(at('plain-labels.csv'), 'x,y\n1,1\n2,0\n3,-1\n');
    const plain = await runCli([at('plain-labels.csv'), '-o', '-', '--features', 'x', '--label', 'y', '--loss', 'bce']);
    expect(plain.stderr).toMatch(
      /plain-labels\.csv:4, column 2 \(y\): a bce label must be 0 or 1, got -1: "-1" \[LABEL_INVALID\]/,
    );
  });

  it('binds formula names to parameters, and refuses a name that is neither column nor parameter, or both', async () => {
    writeFileSync(at('decay.csv'), 't,y\n0,3\n1,2.2\n');
    const decay = [at('decay.csv'), '-o', '-', '-e', 'a*exp(-k*t) + c', '--param', 'a=2', '--param', 'c=0'];
    const ok = await runCli([...decay, '--param', 'k=0.5']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe('f,df_da,df_dk,df_dc');
    const typo = await runCli(decay);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(
      /"k" \(position 8\) is not an input column nor a parameter \(a, c\).*\[HEADER_MISSING_COLUMN\]/,
    );
    const both = await runCli([
      at('decay.csv'),
      '-o',
      '-',
      '-e',
      'a*exp(-k*t)',
      '--param',
      'a=2',
      '--param',
      'k=1',
      '--param',
      't=3',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /"t" is both a column of .*decay\.csv \(column 1\) and a parameter.*\[INVALID_OPTION\]/,
    );
    const unused = await runCli([at('decay.csv'), '-o', '-', '-e', 'a*t', '--param', 'a=2', '--param', 'q=1']);
    expect(unused.stderr).toMatch(/--param "q" is not in the model, whose names are: a, t \[INVALID_OPTION\]/);
  });

  it('reads --params from a JSON file, lets --param win, and chooses gradients with --wrt', async () => {
    writeFileSync(at('model.json'), JSON.stringify({ params: { w_age: 1, w_income: 2, w_score: 3, b: 4 }, loss: 0.5 }));
    const result = await runCli([
      at('clicks.csv'),
      '-o',
      at('wrt.csv'),
      '--summary',
      at('wrt.json'),
      '--features',
      'age,income,score',
      '--params',
      at('model.json'),
      '--param',
      'b=0',
      '--label',
      'clicked',
      '--loss',
      'bce',
      '--wrt',
      'b,income',
    ]);
    expect(result.code).toBe(0);
    expect(read('wrt.csv').split('\n')[0]).toBe('f,loss,dloss_db,dloss_dincome');
    expect((JSON.parse(read('wrt.json')) as { params: object }).params).toEqual({
      w_age: 1,
      w_income: 2,
      w_score: 3,
      b: 0,
    });
  });

  it('refuses --label without --loss, a label that is a model input, and an unknown loss', async () => {
    const noLoss = await runCli([at('clicks.csv'), '-o', '-', '--features', 'age', '--label', 'clicked']);
    expect(noLoss.stderr).toMatch(/--label needs --loss bce, squared, poisson or softmax \[INVALID_OPTION\]/);
    const input = await runCli([at('clicks.csv'), '-o', '-', '--features', 'age', '--label', 'age', '--loss', 'bce']);
    expect(input.stderr).toMatch(/--label "age" is also an input of the model/);
    const loss = await runCli([
      at('clicks.csv'),
      '-o',
      '-',
      '--features',
      'age',
      '--label',
      'clicked',
      '--loss',
      'hinge',
    ]);
    expect(loss.code).toBe(2);
    expect(loss.stderr).toMatch(/Invalid values:[\s\S]*\[INVALID_OPTION\]/);
  });
});

describe('training gradients in the library', () => {
  it('take the same options as the CLI and give the same numbers', async () => {
    const cli = await runCli([at('clicks.csv'), '-o', '-', '--keep', 'id', ...TRAIN]);
    const lines = cli.stdout.trimEnd().split('\n');
    const records = readFileSync(at('clicks.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1, 1001)
      .map((l) => l.split(','))
      .map(([id, age, income, score, clicked]) => ({ id, age, income, score, clicked }));
    const job = gradients(records, {
      keep: ['id'],
      features: ['age', 'income', 'score'],
      label: 'clicked',
      loss: 'bce',
      params: { w_age: 0.5, b: -0.1 },
    });
    let i = 1;
    for await (const row of job) {
      expect(Object.values(row).map(String).join(',')).toBe(lines[i++]);
    }
    expect((await job.summary).params).toEqual({ w_age: 0.5, w_income: 0, w_score: 0, b: -0.1 });
  });
});

describe('the formula language on the command line', () => {
  it('reads quoted column names and writes their gradients under the header names, quoted where CSV needs it', async () => {
    writeFileSync(at('iris.csv'), 'Sepal.Length,"a,b",x\n2,3,2\n');
    const result = await runCli([at('iris.csv'), '-o', '-', '-e', '`Sepal.Length` * "a,b"^x']);
    expect(result.code).toBe(0);
    // f = s * a^x = 2 * 9; df/ds = a^x = 9; df/da = s x a^(x-1) = 12; df/dx = s a^x log(a) = 18 log 3.
    expect(result.stdout).toBe(`f,df_dSepal.Length,"df_da,b",df_dx\n18,9,12,${18 * Math.log(3)}\n`);
  });

  it('points at the quoted name in the user text when it is not a column', async () => {
    writeFileSync(at('iris2.csv'), 'Sepal.Length,y\n1,2\n');
    const result = await runCli([at('iris2.csv'), '-o', '-', '-e', '`Sepal.Length` + `Petal.Width`']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/formula: "Petal\.Width" \(position 18\) is not an input column/);
  });
});
