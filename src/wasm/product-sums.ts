/**
 * AssemblyScript, compiled into dist/wasm/numbers.wasm with the number reader and writer (not by tsc): one
 * pair's exact product sums, for exactProductSums in src/compute/exact-sum.ts, which explains the cuts.
 * Over i < rows, x = scaled[i]·column[i], two rows at a time in f64x2 lanes. A term of at least `low` is cut
 * into whole numbers of three bins (adding and removing `upper`, then `middle`, exactly) added to three
 * accumulators a lane; a smaller nonzero term is written to `smalls` for the caller's general path. The
 * caller keeps rows at most 2^20 a call, so every accumulator stays exact. Stores nine accumulators at
 * `out` (three a lane, then three for the rows done one at a time) and returns how many small terms it wrote.
 */

// @ts-nocheck: AssemblyScript's types (usize, i32, f64, v128) are not TypeScript's.

/** A term done alone: the last odd row, or a row pair with a small term. */
@inline
function single(x: f64, upper: f64, middle: f64, low: f64, out: usize, smalls: usize, count: i32): i32 {
  if (abs<f64>(x) < low) {
    if (x != 0) {
      store<f64>(smalls + (<usize>count << 3), x);
      return count + 1;
    }
    return count;
  }
  const t = x + upper - upper;
  const r = x - t;
  const m = r + middle - middle;
  store<f64>(out + 48, load<f64>(out + 48) + (r - m));
  store<f64>(out + 56, load<f64>(out + 56) + m);
  store<f64>(out + 64, load<f64>(out + 64) + t);
  return count;
}

export function productSums(
  scaled: usize,
  column: usize,
  rows: i32,
  upper: f64,
  middle: f64,
  low: f64,
  out: usize,
  smalls: usize,
): i32 {
  const U = f64x2.splat(upper);
  const M = f64x2.splat(middle);
  const L = f64x2.splat(low);
  let top = f64x2.splat(0);
  let mid = f64x2.splat(0);
  let bottom = f64x2.splat(0);
  store<f64>(out + 48, 0);
  store<f64>(out + 56, 0);
  store<f64>(out + 64, 0);
  let count: i32 = 0;
  let i: i32 = 0;
  for (; i + 2 <= rows; i += 2) {
    const at = <usize>i << 3;
    const x = f64x2.mul(v128.load(scaled + at), v128.load(column + at));
    if (v128.any_true(f64x2.lt(f64x2.abs(x), L))) {
      count = single(f64x2.extract_lane(x, 0), upper, middle, low, out, smalls, count);
      count = single(f64x2.extract_lane(x, 1), upper, middle, low, out, smalls, count);
      continue;
    }
    const t = f64x2.sub(f64x2.add(x, U), U);
    const r = f64x2.sub(x, t);
    const m = f64x2.sub(f64x2.add(r, M), M);
    top = f64x2.add(top, t);
    mid = f64x2.add(mid, m);
    bottom = f64x2.add(bottom, f64x2.sub(r, m));
  }
  if (i < rows) {
    const at = <usize>i << 3;
    count = single(load<f64>(scaled + at) * load<f64>(column + at), upper, middle, low, out, smalls, count);
  }
  v128.store(out, bottom);
  v128.store(out + 16, mid);
  v128.store(out + 32, top);
  return count;
}
