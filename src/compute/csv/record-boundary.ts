/**
 * Where CSV records begin, decided from bytes alone: the one cut shared by a stream's chunks (RecordEnds,
 * below), the threads of a run (each worker cuts its own byte range of a file) and the machines of a job
 * (each shard cuts its own part, pipeline/shards/record-start.ts).
 *
 * For RFC 4180 text the whole state at an offset is the parity of the quotes before it: odd means inside a
 * quoted field (a doubled quote inside one leaves the parity unchanged). A record starts after a line feed
 * at even parity. Given the parity at an offset, the cut after it is exact (`recordStartFrom`); the parity
 * itself is known only from everything before the offset, so it is either carried in order from a known
 * record start (`quoteParity` of each range) or guessed from the bytes after the offset (`Reading`) and
 * checked later.
 */

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const GUESS_SPAN = 1 << 16;

export type Parity = 0 | 1;

/** A record this long almost always means an unterminated quote swallowing the rest of the file. */
export const MAX_RECORD_BYTES = 64 << 20;

/** The bytes of a UTF-8 byte order mark at the start of `bytes` (3), or 0: it is not part of the first column's name. */
export function bomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** A Buffer over the same bytes: Buffer's indexOf is memchr, a Uint8Array's a JavaScript loop. */
const searchable = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Whether the bytes hold a quote: if not, every line feed in them ends a record (given even parity). */
export function hasQuote(bytes: Uint8Array): boolean {
  return searchable(bytes).indexOf(QUOTE) !== -1;
}

/** The quotes in bytes[from, to), modulo 2. */
export function quoteParity(data: Uint8Array, from: number, to: number): Parity {
  const bytes = searchable(data);
  let quotes = 0;
  for (let at = bytes.indexOf(QUOTE, from); at !== -1 && at < to; at = bytes.indexOf(QUOTE, at + 1)) quotes++;
  return (quotes & 1) as Parity;
}

/**
 * The first record start at or after `at`, given the quote parity at `at` and the byte before it
 * (`before`, -1 at the start of the data, where a record starts): an index into `bytes`, or -1 if no
 * record starts in bytes[at, end).
 */
export function recordStartFrom(data: Uint8Array, at: number, end: number, parity: Parity, before: number): number {
  if (parity === 0 && (before === -1 || before === LF)) return at;
  const bytes = searchable(data);
  let quoted = parity === 1;
  let i = at;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i);
    const stop = quote === -1 || quote >= end ? end : quote;
    if (!quoted) {
      const lf = bytes.indexOf(LF, i);
      if (lf !== -1 && lf < stop) return lf + 1;
    }
    if (stop === end) return -1;
    quoted = !quoted;
    i = stop + 1;
  }
}

/** Line feeds in bytes[from, to): physical lines, as errors name them. */
export function lineFeeds(data: Uint8Array, from: number, to: number): number {
  const bytes = searchable(data);
  let lines = 0;
  for (let at = bytes.indexOf(LF, from); at !== -1 && at < to; at = bytes.indexOf(LF, at + 1)) lines++;
  return lines;
}

export enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  ClosedCr,
  Broken,
}

/**
 * One supposition about the parity at an offset, parsed forward by RFC 4180's strict rules (which
 * csv-parse enforces): a quote opens a field only at its start, and a closing quote is followed by a
 * delimiter, a line end or the end of the data. On valid CSV the true supposition never breaks a rule, so
 * one that does is false. Tracks the first record start found (-1 until one is).
 */
export class Reading {
  recordStart = -1;
  constructor(public state: State) {}

  /** The supposition at an offset, from the byte before it: `odd` means inside a quoted field. */
  static at(before: number, odd: boolean, delimiter: number): Reading {
    if (odd) return new Reading(State.Quoted);
    // After a quote at even parity, that quote closed a field (or began an escaped pair: the next byte tells).
    return new Reading(
      before === QUOTE
        ? State.QuoteInQuoted
        : before === delimiter || before === LF || before === -1
          ? State.FieldStart
          : State.Unquoted,
    );
  }

  step(byte: number, at: number, delimiter: number): void {
    switch (this.state) {
      case State.FieldStart:
      case State.Unquoted:
        if (byte === LF) this.boundary(at);
        else if (byte === delimiter) this.state = State.FieldStart;
        else if (byte === QUOTE) this.state = this.state === State.FieldStart ? State.Quoted : State.Broken;
        else this.state = State.Unquoted;
        return;
      case State.Quoted:
        if (byte === QUOTE) this.state = State.QuoteInQuoted;
        return;
      case State.QuoteInQuoted:
        if (byte === QUOTE) this.state = State.Quoted;
        else if (byte === delimiter) this.state = State.FieldStart;
        else if (byte === LF) this.boundary(at);
        else if (byte === CR) this.state = State.ClosedCr;
        else this.state = State.Broken;
        return;
      case State.ClosedCr:
        if (byte === LF) this.boundary(at);
        else this.state = State.Broken;
        return;
      case State.Broken:
        return;
    }
  }

  /** A block with no quote, for a reading in Quoted (unchanged), FieldStart or Unquoted: no byte loop. */
  skip(block: Uint8Array, at: number, delimiter: number): void {
    if (this.state === State.Quoted) return;
    if (this.recordStart < 0) {
      const lf = block.indexOf(LF);
      if (lf >= 0) this.recordStart = at + lf + 1;
    }
    const last = block[block.length - 1]!;
    this.state = last === LF || last === delimiter ? State.FieldStart : State.Unquoted;
  }

  get broken(): boolean {
    return this.state === State.Broken;
  }

  /** Whether `skip` may stand for stepping through a block without quotes. */
  get simple(): boolean {
    return this.state === State.Quoted || this.state === State.FieldStart || this.state === State.Unquoted;
  }

  private boundary(at: number): void {
    this.state = State.FieldStart;
    if (this.recordStart < 0) this.recordStart = at + 1;
  }
}

/**
 * The likelier parity at `from`, from bytes[from, to) alone: both suppositions are parsed until one breaks
 * a rule (then the other is right, on valid CSV) or `to`. Undecided (no quote, or text that reads validly
 * both ways) guesses even: outside a quoted field, where most bytes of most files are. A guess is only a
 * guess: the caller checks it against the parity carried in order.
 */
export function likelyParity(bytes: Uint8Array, from: number, to: number, delimiter: number): Parity {
  const firstQuote = searchable(bytes).indexOf(QUOTE, from);
  if (firstQuote === -1 || firstQuote >= to) return 0;
  // The false supposition breaks at about the first closing quote; past that, the time buys little.
  const stop = Math.min(to, firstQuote + GUESS_SPAN);
  const before = from > 0 ? bytes[from - 1]! : -1;
  const even = Reading.at(before, false, delimiter);
  const odd = Reading.at(before, true, delimiter);
  for (let i = from; i < stop; i++) {
    const byte = bytes[i]!;
    even.step(byte, i, delimiter);
    odd.step(byte, i, delimiter);
    if (even.broken !== odd.broken) return even.broken ? 1 : 0;
    if (even.broken) return 0;
  }
  return 0;
}

/**
 * A stream's record ends, found piece by piece (the chunker's cut): a record ends at a line feed outside
 * quotes, and the state carried from piece to piece is whether the scan is inside quotes.
 */
export class RecordEnds {
  private inQuotes = false;
  /** Line feeds passed (inside quotes too) since the owner last took them. */
  lines = 0;
  /** `lines` when the last record end was passed. */
  linesAtLastEnd = 0;
  private quotePiece: Uint8Array | undefined;
  private quoteAt = 0;

  /**
   * Find up to `wanted` record ends in piece[start..], stopping early (`full`) at the first record end
   * `budget` or more bytes past `start` (so a chunk always holds at least one record). Returns how many,
   * the offset where the scan stopped, and the offset just after the last record end (-1 if none).
   */
  scan(
    piece: Uint8Array,
    start: number,
    wanted: number,
    budget: number,
  ): { records: number; offset: number; lastEnd: number; full: boolean } {
    let records = 0;
    let lastEnd = -1;
    let i = start;
    // Line feeds and quotes are found with indexOf (memchr speed), not byte by byte.
    while (i < piece.length && records < wanted) {
      if (this.inQuotes) {
        // Inside quotes a line feed is data: count it as a line, not as a record end. A doubled quote ("")
        // closes and reopens, which leaves the state right.
        const close = piece.indexOf(QUOTE, i);
        const end = close === -1 ? piece.length : close;
        for (let lf = piece.indexOf(LF, i); lf !== -1 && lf < end; lf = piece.indexOf(LF, lf + 1)) this.lines++;
        i = end;
        if (close !== -1) {
          this.inQuotes = false;
          i++;
        }
        continue;
      }
      const quote = this.nextQuote(piece, i);
      while (records < wanted) {
        const lf = piece.indexOf(LF, i);
        if (lf === -1 || lf > quote) break;
        this.lines++;
        records++;
        i = lastEnd = lf + 1;
        this.linesAtLastEnd = this.lines;
        if (lastEnd - start >= budget) return { records, offset: i, lastEnd, full: true };
      }
      if (records === wanted) break;
      i = quote + 1;
      if (quote < piece.length) this.inQuotes = true;
    }
    return { records, offset: Math.min(i, piece.length), lastEnd, full: false };
  }

  /** The next quote at or after `from` in `piece` (piece.length if none), remembered between calls. */
  private nextQuote(piece: Uint8Array, from: number): number {
    if (this.quotePiece !== piece || this.quoteAt < from) {
      const at = piece.indexOf(QUOTE, from);
      this.quotePiece = piece;
      this.quoteAt = at === -1 ? piece.length : at;
    }
    return this.quoteAt;
  }
}
