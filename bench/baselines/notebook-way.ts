/**
 * Baseline: the notebook's way, in JavaScript. A csv-parse stream; per row, a new object graph of the
 * seed notebook's own classes (recursive forward() and backward(dout), np.exp as Math.exp), String(x) per
 * number; one thread. The logistic graph uses each variable once, so the notebook's accumulation bug does
 * not change these numbers. Usage: node dist/bench/baselines/notebook-way.js <input> <output>
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { parse } from 'csv-parse';

interface NotebookNode {
  forward(): number;
  backward(dout: number): void;
}

// The seed notebook's classes, transliterated.
class Variable implements NotebookNode {
  grads = 0;
  constructor(private readonly v: number) {}
  forward(): number {
    return this.v;
  }
  backward(dout: number): void {
    this.grads = dout;
  }
}
class Add implements NotebookNode {
  constructor(
    private readonly a: NotebookNode,
    private readonly b: NotebookNode,
  ) {}
  forward(): number {
    return this.a.forward() + this.b.forward();
  }
  backward(dout: number): void {
    this.a.backward(dout);
    this.b.backward(dout);
  }
}
class Mul implements NotebookNode {
  private localDa = 0;
  private localDb = 0;
  constructor(
    private readonly a: NotebookNode,
    private readonly b: NotebookNode,
  ) {}
  forward(): number {
    const va = this.a.forward();
    const vb = this.b.forward();
    this.localDa = vb;
    this.localDb = va;
    return va * vb;
  }
  backward(dout: number): void {
    this.a.backward(this.localDa * dout);
    this.b.backward(this.localDb * dout);
  }
}
class Inv implements NotebookNode {
  private local = 0;
  constructor(private readonly a: NotebookNode) {}
  forward(): number {
    const v = this.a.forward();
    this.local = -1 / v ** 2;
    return 1 / v;
  }
  backward(dout: number): void {
    this.a.backward(this.local * dout);
  }
}
class Exp implements NotebookNode {
  private local = 0;
  constructor(private readonly a: NotebookNode) {}
  forward(): number {
    this.local = Math.exp(this.a.forward());
    return this.local;
  }
  backward(dout: number): void {
    this.a.backward(this.local * dout);
  }
}

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
    const names = [
      ...Array.from({ length: n }, (_, i) => `w${i + 1}`),
      ...Array.from({ length: n }, (_, i) => `x${i + 1}`),
      'b',
    ];
    out.write(`f,${names.map((name) => `df_d${name}`).join(',')}\n`);
    continue;
  }
  const value = (name: string): number => Number(record[header!.indexOf(name)]);
  const w = Array.from({ length: n }, (_, i) => new Variable(value(`w${i + 1}`)));
  const x = Array.from({ length: n }, (_, i) => new Variable(value(`x${i + 1}`)));
  const b = new Variable(value('b'));
  let logit: NotebookNode = new Mul(w[0]!, x[0]!);
  for (let i = 1; i < n; i++) logit = new Add(logit, new Mul(w[i]!, x[i]!));
  const f = new Inv(new Add(new Variable(1), new Exp(new Mul(new Add(logit, b), new Variable(-1)))));
  const fx = f.forward();
  f.backward(1);
  if (!out.write(`${[fx, ...w.map((v) => v.grads), ...x.map((v) => v.grads), b.grads].map(String).join(',')}\n`))
    await once(out, 'drain');
}
out.end();
await once(out, 'close');
