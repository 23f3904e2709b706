/** A one-line progress report on stderr, redrawn at most four times a second. */
import type { Writable } from 'node:stream';

export class Progress {
  private readonly started = performance.now();
  /** The first result is shown at once (whenever the process started), then at most every 250 ms. */
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly stream: Writable | undefined, private readonly totalBytes: number | undefined) {}

  update(rows: number, bytes: number): void {
    if (this.stream === undefined) return;
    const now = performance.now();
    if (now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const percent = this.totalBytes ? ` ${((100 * bytes) / this.totalBytes).toFixed(1)}%` : '';
    this.stream.write(`\r\x1b[K${rows.toLocaleString('en')} rows${percent}, ${rate.toLocaleString('en')} rows/s`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream?.write('\r\x1b[K');
  }
}
