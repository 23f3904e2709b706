/**
 * Preloaded into a batch-grad process by bench/threads.ts (`node --import`): samples the main thread's
 * new space (V8's young generation) every 100 ms and prints the smallest and largest committed size to
 * stderr at exit. Not part of batch-grad itself.
 */
import { getHeapSpaceStatistics } from 'node:v8';

const MiB = 2 ** 20;
let smallest = Number.POSITIVE_INFINITY;
let largest = 0;

function sample(): void {
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (newSpace === undefined) return;
  smallest = Math.min(smallest, newSpace.space_size);
  largest = Math.max(largest, newSpace.space_size);
}

sample();
setInterval(sample, 100).unref();
process.on('exit', () => {
  sample();
  process.stderr.write(`new space (young generation) committed: ${(smallest / MiB).toFixed(0)} MiB at first, ${(largest / MiB).toFixed(0)} MiB at most\n`);
});
