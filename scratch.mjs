import { writeDouble } from './dist/src/compute/format-double.js';
import { ByteWriter } from './dist/src/compute/byte-writer.js';
const w = new ByteWriter(1 << 26); let bad = 0, n = 0;
const specials = [0.1, 0.2, 0.3, 1/3, 2/3, 1, 2, 0.5, 0.25, 100, 1e21, 1e20, 123456789012345680000, 1e-6, 1e-7, 1.5e-7, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 9007199254740993, 9007199254740992, 0.7310585786300049, -0.19661193324148188, 4.35, 0.000001, 0.0000012345, 999999999999999.9, 99999999999999.99, 1e15, 1e16, 1e17, 1.2e16, 12345678901234567, 9.999999999999999e22, 0.9999999999999999, 99.99999999999999];
const check = (x) => { w.length = 0; writeDouble(w, x); const got = Buffer.from(w.bytes.buffer, 0, w.length).toString('latin1'); const want = Object.is(x, -0) ? '-0' : String(x); n++; if (got !== want) { if (bad++ < 10) console.log('MISMATCH', want, got); } };
for (const x of specials) { check(x); check(-x); check(x * 1.0000000000000002); }
const f = new Float64Array(1), u = new Uint32Array(f.buffer);
for (let i = 0; i < 4e6; i++) {
  const r = Math.random();
  let x;
  if (r < 0.4) x = (Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20);
  else if (r < 0.7) { u[0] = Math.random() * 2**32; u[1] = Math.random() * 2**32; x = f[0]; if (!Number.isFinite(x)) continue; }
  else if (r < 0.85) x = Math.round(Math.random() * 1e6) / 10 ** Math.floor(Math.random() * 10);
  else x = Number((Math.random() * 100).toPrecision(1 + Math.floor(Math.random() * 17)));
  check(x);
}
console.log('checked', n, 'bad', bad);
const N = 2_400_000; const xs = new Float64Array(N); for (let i = 0; i < N; i++) xs[i] = (Math.random() - 0.5) * Math.exp(Math.random()*10 - 5);
for (let rep = 0; rep < 3; rep++) { let t = performance.now(); w.length = 0; for (let i = 0; i < N; i++) { writeDouble(w, xs[i]); w.byte(44); } console.log('writeDouble', (performance.now() - t) | 0); }
