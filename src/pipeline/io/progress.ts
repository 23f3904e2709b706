/**
 * A one-line progress report on stderr, redrawn at most four times a second: a bar, the share of the
 * input read and the time left when the input's size is known, then rows and rows a second.
 * Hand-written rather than a progress library: it is one line that redraws in place, and the libraries
 * looked at (cli-progress) bring their own option and format layer for the same line.
 */
import type { Writable } from 'node:stream';

const BAR_WIDTH = 20;

/**
 * 2,000,000: a count with thousands separators, here and in the summary table. Written out rather than
 * toLocaleString('en'), whose first call loads the locale data and costs milliseconds of every start.
 */
export function count(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** 1 m 05 s, 12 s: the time left, as a person reads it. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m} m ${String(s % 60).padStart(2, '0')} s`
    : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** The progress line for `rows` rows and `bytes` of `totalBytes` read after `seconds`. */
export function progressLine(rows: number, bytes: number, totalBytes: number | undefined, seconds: number): string {
  const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
  const counts = `${count(rows)} rows, ${count(rate)} rows/s`;
  if (!totalBytes) return counts;
  const share = Math.min(1, bytes / totalBytes);
  const filled = Math.round(share * BAR_WIDTH);
  const left = share > 0 ? duration((seconds * (1 - share)) / share) : '?';
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(100 * share).toFixed(1)}% ${counts}, ${left} left`;
}

export class Progress {
  private readonly started = performance.now();
  /** The first result is shown at once (whenever the process started), then at most every 250 ms. */
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly stream: Writable | undefined,
    private readonly totalBytes: number | undefined,
  ) {}

  update(rows: number, bytes: number): void {
    if (this.stream === undefined) return;
    const now = performance.now();
    if (now - this.lastDraw < 250) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[K${progressLine(rows, bytes, this.totalBytes, (now - this.started) / 1000)}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream?.write('\r\x1b[K');
  }
}
