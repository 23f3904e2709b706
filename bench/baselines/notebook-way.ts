/**
 * Baseline: the notebook's way, in JavaScript: a csv-parse stream, one object graph per row built from
 * the graph nodes (with the notebook's accumulation bug fixed), forward and backward per row, String(x)
 * per number, one thread. Usage: node dist/bench/baselines/notebook-way.js <input> <output>
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { Add, Constant, Exp, Inv, Mul, Neg, type Node, Variable } from '../../src/core/graph.js';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: notebook-way <input> <output>\n');
  process.exit(2);
}
const out = createWriteStream(output);
let header: string[] | undefined;
let n = 0;
for await (const record of createReadStream(input).pipe(parse()) as AsyncIterable<string[]>) {
  if (header === undefined) {
    header = record;
    n = header.filter((name) => /^w\d+$/.test(name)).length;
    const names = [...Array.from({ length: n }, (_, i) => `w${i + 1}`), ...Array.from({ length: n }, (_, i) => `x${i + 1}`), 'b'];
    out.write(`f,${names.map((name) => `df_d${name}`).join(',')}\n`);
    continue;
  }
  const value = (name: string): number => Number(record[header!.indexOf(name)]);
  const w = Array.from({ length: n }, (_, i) => new Variable(value(`w${i + 1}`)));
  const x = Array.from({ length: n }, (_, i) => new Variable(value(`x${i + 1}`)));
  const b = new Variable(value('b'));
  let logit: Node = new Mul(w[0]!, x[0]!);
  for (let i = 1; i < n; i++) logit = new Add(logit, new Mul(w[i]!, x[i]!));
  const f = new Inv(new Add(new Constant(1), new Exp(new Neg(new Add(logit, b)))));
  const fx = f.forward();
  f.backward(1);
  if (!out.write(`${[fx, ...w.map((v) => v.grad), ...x.map((v) => v.grad), b.grad].map(String).join(',')}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'close');
