import { dd, timesPowerOfTen, nearestDouble } from './dist/src/compute/double-double.js';
const N = 2_400_000; const xs = new Float64Array(N); for (let i = 0; i < N; i++) xs[i] = Math.random() * 10;
for (let r = 0; r < 3; r++) {
let t = performance.now(); let a = 0; for (let i = 0; i < N; i++) { timesPowerOfTen(xs[i], 0, 16); a += dd[1]; } console.log('tpt', (performance.now() - t).toFixed(0));
t = performance.now(); a = 0; for (let i = 0; i < N; i++) { a += nearestDouble(xs[i], 1e-17); } console.log('nearest', (performance.now() - t).toFixed(0));
}
