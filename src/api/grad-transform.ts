/**
 * The stream form: a Node Transform for `pipeline(...)`. Object mode records in and result records out,
 * or (with `input: 'csv'` or `'jsonl'`) bytes in and bytes of the same format out. Both sides honour
 * backpressure: a write is acknowledged only when the job takes it, and the job produces only while the
 * reader wants more. `stream.summary` resolves with the totals, and a 'summary' event is emitted before 'end'.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { Engine } from '../engine/engine.js';
import type { RunSummary } from '../pipeline/summary.js';
import { Channel } from './channel.js';
import { type GradientJob, type GradientOptions, gradientJob } from './gradients.js';

export class GradTransform extends Transform {
  readonly summary: Promise<RunSummary>;
  private readonly input = new Channel<unknown>();
  private readonly job: GradientJob<unknown>;
  private readonly done: Promise<void>;
  private demand: (() => void) | undefined;

  constructor(engine: Engine, options: GradientOptions = {}, onFinish?: () => Promise<void>) {
    const bytes = options.input === 'csv' || options.input === 'jsonl';
    super({
      writableObjectMode: !bytes,
      readableObjectMode: !bytes,
      writableHighWaterMark: bytes ? 1 << 20 : 1024,
      readableHighWaterMark: bytes ? 1 << 20 : 1024,
    });
    this.job = gradientJob(engine, this.input, options);
    this.summary = this.job.summary;
    this.done = this.pump().finally(async () => {
      await onFinish?.();
    });
    this.done.catch(() => undefined);
  }

  /** Move results to the readable side, waiting whenever its buffer is full. */
  private async pump(): Promise<void> {
    try {
      for await (const out of this.job) {
        if (this.destroyed) return;
        if (!this.push(out)) await new Promise<void>((resolve) => (this.demand = resolve));
      }
    } catch (error) {
      this.destroy(error as Error);
      throw error;
    }
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.input.put(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    this.input.end();
    this.done.then(
      async () => {
        this.emit('summary', await this.summary);
        callback();
      },
      (error: unknown) => callback(error as Error),
    );
  }

  override _read(size: number): void {
    const demand = this.demand;
    this.demand = undefined;
    demand?.();
    super._read(size);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.input.fail(error ?? new Error('the stream was destroyed'));
    const demand = this.demand;
    this.demand = undefined;
    demand?.();
    callback(error);
  }
}
