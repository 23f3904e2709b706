/** The seeded generator the benchmarks' data uses, so random tests are the same on every run and machine. */
export { seededRandom } from './seeded-random.js';

/** Uniform in [lo, hi). */
export function uniform(random: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}
