/** CSV fields and records in bytes: where a field starts, which field a byte is in, a record's text. */
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** A field as CSV text: quoted only when it must be (RFC 4180), so plain values are written as they are. */
export function csvField(value: string, delimiter: string): string {
  const needsQuotes = value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r');
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
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
    if (bytes[i] === QUOTE) quoted = !quoted;
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
