import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { orderedMap } from '../../src/pipeline/ordered-map.js';

async function* numbers(count: number, read: number[]): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    read.push(i);
    yield i;
  }
}

describe('orderedMap', () => {
  it('yields in input order while work finishes out of order, with a bounded number in flight', async () => {
    const read: number[] = [];
    let running = 0;
    let most = 0;
    const results: number[] = [];
    const work = async (x: number): Promise<number> => {
      running++;
      most = Math.max(most, running);
      await delay((x * 7) % 5);
      running--;
      return x * 10;
    };
    for await (const result of orderedMap(numbers(40, read), work, 4)) results.push(result);
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 10));
    expect(most).toBeLessThanOrEqual(4);
  });

  it('waits for started work to settle before returning early, so the pool can be closed safely', async () => {
    const read: number[] = [];
    const settled: number[] = [];
    const work = async (x: number): Promise<number> => {
      await delay(x === 0 ? 1 : 30);
      settled.push(x);
      return x;
    };
    const failure = await (async () => {
      for await (const result of orderedMap(numbers(100, read), work, 4)) {
        if (result === 0) throw new Error('consumer failed');
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    // Everything that was started had finished by the time the failure reached the caller.
    expect(settled.sort((a, b) => a - b)).toEqual(read.slice(0, settled.length));
    expect(settled.length).toBe(read.length);
  });
});
