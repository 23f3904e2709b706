import { writeDouble } from './dist/src/compute/format-double.js';
import { ByteWriter } from './dist/src/compute/byte-writer.js';
const w = new ByteWriter(1 << 26);
const N = 2_400_000; const xs = new Float64Array(N); for (let i = 0; i < N; i++) xs[i] = (Math.random() - 0.5) * Math.exp(Math.random()*10 - 5);
const orig = String; let fallbacks = 0;
for (let rep = 0; rep < 3; rep++) {
  let t = performance.now(); w.length = 0; for (let i = 0; i < N; i++) { writeDouble(w, xs[i]); } const a = performance.now() - t;
  console.log({ writeDouble: a | 0 });
}
