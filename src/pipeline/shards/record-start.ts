/**
 * Where the first record at or after a byte offset of a CSV file starts, found without reading the file
 * before the offset: the one cut shared by every shard of a file (and every range of it).
 *
 * Whether the offset falls inside a quoted field depends on every quote before it. Rather than count them,
 * the bytes from the offset are parsed twice at once, once supposing an even number of quotes came before
 * (outside a quoted field) and once an odd number (inside one), by RFC 4180's strict rules, which csv-parse
 * enforces: a quote opens a field only at its start, and a closing quote is followed by a delimiter, a line
 * end or the end of the file. On valid CSV the true supposition never breaks a rule, so the first that does
 * is false, and the other's first line end outside quotes is the cut. A quoted field open for longer than
 * the longest record allowed (`maxRecordBytes`, which a single run enforces too) breaks the rules as well,
 * so a file without quotes is decided after at most that many bytes, not at its end; blocks without a quote
 * are passed over with indexOf. If neither supposition breaks a rule before the end of the file (text built
 * to be read both ways), the quotes before the offset are counted after all: exact, and only then reading
 * the prefix. If both break one, the file is not valid CSV, which the run reports as a single run would.
 * The suppositions' parser is compute/record-boundary.ts's, which the threads of a run share.
 */
import type { FileHandle } from 'node:fs/promises';
import { MAX_RECORD_BYTES, Reading, State } from '../../compute/csv/record-boundary.js';

const LF = 0x0a;
const QUOTE = 0x22;
const BLOCK = 1 << 20;

/**
 * The offset of the first record that starts at or after `offset` (a record starts after a line end that
 * is outside quotes), or `size` if none does. `offset` 0 is the file's start.
 */
export async function recordStartAtOrAfter(
  file: FileHandle,
  offset: number,
  size: number,
  delimiter: string,
  maxRecordBytes = MAX_RECORD_BYTES,
): Promise<number> {
  if (offset <= 0) return 0;
  if (offset >= size) return size;
  const d = delimiter.charCodeAt(0);
  const before = await byteAt(file, offset - 1);
  const even = Reading.at(before, false, d);
  const odd = Reading.at(before, true, d);
  // A record may start right at the offset, if the byte before it ended one (outside quotes).
  if (before === LF) even.recordStart = offset;
  const buffer = new Uint8Array(BLOCK);
  let lastQuote = offset;
  for (let at = offset; at < size; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(BLOCK, size - at), at);
    if (bytesRead === 0) break;
    const block = buffer.subarray(0, bytesRead);
    const quote = block.lastIndexOf(QUOTE);
    if (quote < 0 && even.simple && odd.simple) {
      even.skip(block, at, d);
      odd.skip(block, at, d);
    } else {
      for (let i = 0; i < bytesRead; i++) {
        even.step(buffer[i]!, at + i, d);
        odd.step(buffer[i]!, at + i, d);
      }
      if (quote >= 0) lastQuote = at + quote;
    }
    at += bytesRead;
    // A field still open this long after the last quote is longer than any record may be.
    if (at - lastQuote > maxRecordBytes) {
      if (even.state === State.Quoted) even.state = State.Broken;
      if (odd.state === State.Quoted) odd.state = State.Broken;
    }
    const evenOut = even.state === State.Broken;
    const oddOut = odd.state === State.Broken;
    if (evenOut !== oddOut) return startOf(evenOut ? odd : even, size);
    if (evenOut && oddOut) return startOf(even, size);
  }
  // At the end of the file a quoted field must be closed.
  if (odd.state === State.Quoted) odd.state = State.Broken;
  if (even.state === State.Quoted) even.state = State.Broken;
  if ((even.state === State.Broken) !== (odd.state === State.Broken))
    return startOf(even.state === State.Broken ? odd : even, size);
  return startOf((await evenQuotesBefore(file, offset)) ? even : odd, size);
}

const startOf = (reading: Reading, size: number): number => (reading.recordStart < 0 ? size : reading.recordStart);

async function byteAt(file: FileHandle, at: number): Promise<number> {
  const one = new Uint8Array(1);
  await file.read(one, 0, 1, at);
  return one[0]!;
}

/** Whether the bytes before `offset` hold an even number of quotes: the slow, exact answer. */
async function evenQuotesBefore(file: FileHandle, offset: number): Promise<boolean> {
  const buffer = new Uint8Array(BLOCK);
  let quotes = 0;
  for (let at = 0; at < offset; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(BLOCK, offset - at), at);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) if (buffer[i] === QUOTE) quotes++;
    at += bytesRead;
  }
  return quotes % 2 === 0;
}
