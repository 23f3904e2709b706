/**
 * Where JSON Lines are cut: after a line feed, which is never inside a JSON value. The one rule for a
 * run's batches (cut from a stream) and a job's shards (cut in a file).
 */
const LF = 0x0a;

/** The offset just after the first line feed at or after `from` in `bytes`, or -1 if there is none. */
export function lineStartAfter(bytes: Uint8Array, from: number): number {
  const at = bytes.indexOf(LF, from);
  return at < 0 ? -1 : at + 1;
}

export interface LineBatch {
  /** Whole lines; a buffer of its own, so it can move to a worker. */
  readonly bytes: Uint8Array;
  readonly lines: number;
}

/** Cuts a byte stream into batches of whole lines: at most `batchLines` lines, ending at the first line end past `batchBytes`. */
export class JsonLineCutter {
  private pending = new Uint8Array(0);
  private ended = false;
  private readonly pieces: AsyncIterator<Uint8Array>;

  constructor(
    bytes: AsyncIterable<Uint8Array>,
    private readonly batchLines: number,
    private readonly batchBytes: number,
  ) {
    this.pieces = bytes[Symbol.asyncIterator]();
  }

  /** The next batch, or undefined at the end. */
  async next(): Promise<LineBatch | undefined> {
    let lines = 0;
    let end = 0;
    for (;;) {
      const after = lineStartAfter(this.pending, end);
      if (after >= 0) {
        end = after;
        lines++;
        if (lines >= this.batchLines || end >= this.batchBytes) break;
        continue;
      }
      if (!this.ended && (await this.more())) continue;
      if (end < this.pending.length) {
        end = this.pending.length;
        lines++;
      }
      break;
    }
    if (end === 0) return undefined;
    const batch = this.pending.slice(0, end);
    this.pending = this.pending.subarray(end);
    return { bytes: batch, lines };
  }

  /** Append the next piece of input to `pending`; false at the end. */
  private async more(): Promise<boolean> {
    const next = await this.pieces.next();
    if (next.done === true) {
      this.ended = true;
      return false;
    }
    const joined = new Uint8Array(this.pending.length + next.value.length);
    joined.set(this.pending);
    joined.set(next.value, this.pending.length);
    this.pending = joined;
    return true;
  }
}

/** The keys of the first non-blank line's object: the columns of a JSON Lines input. */
export function jsonLinesHeader(first: Uint8Array | undefined): string[] | undefined {
  const text =
    first === undefined
      ? undefined
      : Buffer.from(first)
          .toString('utf8')
          .split('\n')
          .find((line) => line.trim() !== '');
  if (text === undefined) return undefined;
  const object = JSON.parse(text) as unknown;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new Error('not a JSON object');
  return Object.keys(object);
}
