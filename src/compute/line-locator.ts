/**
 * Physical line numbers (as an editor counts them: every LF is a new line, CRLF is one) of byte offsets in
 * a chunk, so that errors name the line even after quoted fields that span lines. csv-parse's own `lines`
 * counts CR and LF separately in CRLF files, so batch-grad counts for itself.
 */
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export class LineLocator {
  private offset = 0;
  private line: number;

  constructor(private readonly bytes: Uint8Array, private readonly firstLine: number) {
    this.line = firstLine;
  }

  /** The line of the byte at `offset`. Calls with increasing offsets cost linear time overall. */
  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = this.firstLine;
    }
    for (let i = this.offset; i < offset; i++) if (this.bytes[i] === LF) this.line++;
    this.offset = offset;
    return this.line;
  }
}

/**
 * The first byte of a record whose bytes start at `from`: csv-parse skips blank lines (LF or CRLF) before
 * a record. A lone CR is data, not a line ending, so it is not skipped.
 */
export function recordContentStart(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  for (;;) {
    if (i < to && bytes[i] === LF) i++;
    else if (i + 1 < to && bytes[i] === CR && bytes[i + 1] === LF) i += 2;
    else return i;
  }
}

/** The offset where field `index` (0-based) of the record starting at `start` begins. */
export function fieldStart(bytes: Uint8Array, start: number, end: number, index: number, delimiter: number): number {
  let field = 0;
  let quoted = false;
  for (let i = start; i < end; i++) {
    if (field === index) return i;
    const byte = bytes[i];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === delimiter && !quoted) {
      field++;
      if (field === index) return i + 1;
    }
  }
  return start;
}

/** The 0-based field that byte `offset` of the record starting at `start` falls in. */
export function fieldIndexAt(bytes: Uint8Array, start: number, offset: number, delimiter: number): number {
  let field = 0;
  let quoted = false;
  for (let i = start; i < offset; i++) {
    if (bytes[i] === 0x22) quoted = !quoted;
    else if (bytes[i] === delimiter && !quoted) field++;
  }
  return field;
}

/** The record's text without its line ending, for reject files and messages. */
export function recordText(bytes: Uint8Array, start: number, end: number): string {
  let stop = end;
  while (stop > start && (bytes[stop - 1] === LF || bytes[stop - 1] === CR)) stop--;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, stop - start).toString('utf8');
}
