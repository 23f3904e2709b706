/**
 * A one-reader queue that turns pushed values into an async iterable. Each value carries a callback that
 * runs when the reader takes it: a Transform passes its write callback there, so a writer is held back
 * until the pipeline actually wants its data.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: Array<{ value: T; taken: () => void }> = [];
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  put(value: T, taken: () => void = () => undefined): void {
    this.items.push({ value, taken });
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        item.taken();
        yield item.value;
        continue;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
