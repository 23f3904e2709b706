import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openOutput } from '../../src/pipeline/io/output.js';

describe('an output stream', () => {
  it('waits for drain on every full write without leaving listeners behind', async () => {
    let written = 0;
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        setImmediate(callback);
      },
    });
    const output = await openOutput('-', slow);
    for (let i = 0; i < 200; i++) await output.write(Buffer.from('0123456789'));
    await output.commit();
    expect(written).toBe(2000);
    for (const event of ['drain', 'close', 'error']) expect(slow.listenerCount(event)).toBeLessThanOrEqual(1);
  });
});
