const N = 2_400_000; const xs = new Float64Array(N); for (let i = 0; i < N; i++) xs[i] = (Math.random() - 0.5) * Math.exp(Math.random()*10 - 5);
for (let rep = 0; rep < 3; rep++) {
let t = performance.now(); let len = 0; for (let i = 0; i < N; i++) len += String(xs[i]).length; const a = performance.now() - t;
t = performance.now(); let s = ''; for (let i = 0; i < N; i++) s += String(xs[i]) + ','; const b = performance.now() - t;
t = performance.now(); const parts = new Array(N); for (let i = 0; i < N; i++) parts[i] = String(xs[i]); const j = parts.join(','); const c = performance.now() - t;
t = performance.now(); let l2 = 0; for (let i = 0; i < N; i++) l2 += xs[i].toPrecision(17).length; const d = performance.now() - t;
console.log({ stringOnly: a|0, concat: b|0, join: c|0, toPrecision17: d|0 });
}
