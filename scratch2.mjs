import { writeDouble } from './dist/src/compute/format-double.js';
import { ByteWriter } from './dist/src/compute/byte-writer.js';
const w = new ByteWriter(1 << 26);
const N = 2_400_000; const xs = new Float64Array(N); for (let i = 0; i < N; i++) xs[i] = (Math.random() - 0.5) * Math.exp(Math.random()*10 - 5);
for (let rep = 0; rep < 4; rep++) { w.length = 0; for (let i = 0; i < N; i++) { writeDouble(w, xs[i]); } }
