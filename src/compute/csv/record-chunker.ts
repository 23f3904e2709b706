/**
 * Cuts a byte stream into chunks of whole records, for the workers to parse in parallel.
 *
 * A cut falls only after a line feed that is outside quotes, so a quoted field holding newlines (or
 * delimiters) is never split. The chunker counts physical lines as it goes, so each chunk carries the line
 * number of its first byte and workers can report errors by line without seeing the rest of the file.
 * It does not parse fields: that is the workers' job, so the coordinator's thread stays light.
 */
import { BatchGradError } from '../../errors.js';
import { bomLength, RecordEnds } from './record-boundary.js';

export interface RecordChunk {
  /** Whole records; a fresh, unshared ArrayBuffer, so it can be transferred to a worker. */
  readonly bytes: Uint8Array;
  /** The physical line (1-based) of the chunk's first byte. */
  readonly firstLine: number;
}

export interface ChunkerOptions {
  /** Name for messages. */
  readonly file: string;
  /**
   * Where chunk bytes go: a Uint8Array of exactly `size` bytes, over an ArrayBuffer that shares memory
   * with nothing else (it is transferred to a worker). Default: a new buffer each time.
   */
  readonly allocate?: (size: number) => Uint8Array;
  /** A record longer than this is an error (it usually means an unterminated quote). */
  readonly maxRecordBytes: number;
  /** The line number of the source's first byte (default 1). */
  readonly firstLine?: number;
}

export class RecordChunker {
  /** Bytes read and not yet handed out; the first piece may be partly consumed (from `head`). */
  private pieces: Uint8Array[] = [];
  private head = 0;
  /** Scan position: piece index and offset of the next byte to look at. */
  private scanPiece = 0;
  private scanOffset = 0;
  /** Where records end (record-boundary.ts), and the line feeds the scan has passed beyond `line`. */
  private readonly ends = new RecordEnds();
  /** The line of the next byte to hand out. */
  private line = 1;
  /** Where the record being scanned began (line) and how many of its bytes the scan has passed. */
  private recordLine = 1;
  private recordBytes = 0;
  private ended = false;
  private atStart = true;
  private startBytes: Uint8Array = new Uint8Array(0);
  private readonly source: AsyncIterator<Uint8Array>;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly options: ChunkerOptions,
  ) {
    this.source = source[Symbol.asyncIterator]();
    this.line = options.firstLine ?? 1;
    this.recordLine = this.line;
  }

  /**
   * The next chunk: up to `records` records, and no more than the records that end within `maxBytes`
   * (but at least one), or undefined at the end. The byte bound keeps wide rows from making huge tasks.
   */
  async next(records: number, maxBytes = Number.POSITIVE_INFINITY): Promise<RecordChunk | undefined> {
    let found = 0;
    let bytes = 0;
    for (;;) {
      const piece = this.pieces[this.scanPiece];
      if (piece === undefined) {
        if (this.ended || !(await this.read())) break;
        continue;
      }
      const start = this.scanPiece === 0 ? Math.max(this.scanOffset, this.head) : this.scanOffset;
      const stop = this.ends.scan(piece, start, records - found, maxBytes - bytes);
      if (stop.lastEnd >= 0) this.recordLine = this.line + this.ends.linesAtLastEnd;
      found += stop.records;
      bytes += stop.offset - start;
      this.recordBytes = stop.lastEnd >= 0 ? stop.offset - stop.lastEnd : this.recordBytes + stop.offset - start;
      if (this.recordBytes > this.options.maxRecordBytes) {
        throw new BatchGradError(
          'RECORD_TOO_LONG',
          `${this.options.file}:${this.recordLine}: a record is longer than ${this.options.maxRecordBytes} bytes (an unterminated quote?)`,
          {
            file: this.options.file,
            line: this.recordLine,
          },
        );
      }
      if (found === records || stop.full) {
        this.scanOffset = stop.offset;
        return this.cut();
      }
      this.scanPiece++;
      this.scanOffset = 0;
    }
    if (this.pendingBytes() === 0) return undefined;
    this.scanPiece = this.pieces.length;
    return this.cut();
  }

  private async read(): Promise<boolean> {
    const result = await this.source.next();
    if (result.done) {
      this.ended = true;
      if (this.atStart) this.takeStart();
      return false;
    }
    if (!this.atStart) {
      if (result.value.length > 0) this.pieces.push(result.value);
      return true;
    }
    // Hold the first bytes back until there are enough to tell whether they are a byte order mark.
    this.startBytes = Buffer.concat([this.startBytes, result.value]);
    if (this.startBytes.length >= 3) this.takeStart();
    return true;
  }

  /** A UTF-8 byte order mark is not part of the first column's name: drop it, keep the rest. */
  private takeStart(): void {
    this.atStart = false;
    const start = this.startBytes;
    const skip = bomLength(start);
    if (start.length > skip) this.pieces.push(start.subarray(skip));
    this.startBytes = new Uint8Array(0);
  }

  private pendingBytes(): number {
    return this.pieces.reduce((total, piece, i) => total + piece.length - (i === 0 ? this.head : 0), 0);
  }

  /** Hand out everything up to the scan position as one chunk, copied into a fresh buffer. */
  private cut(): RecordChunk {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < this.scanPiece && i < this.pieces.length; i++)
      parts.push(this.pieces[i]!.subarray(i === 0 ? this.head : 0));
    const partial = this.pieces[this.scanPiece];
    if (partial !== undefined) parts.push(partial.subarray(this.scanPiece === 0 ? this.head : 0, this.scanOffset));
    const size = parts.reduce((total, part) => total + part.length, 0);
    // Never a slice of Node's shared Buffer pool: transferring it must detach nothing else.
    const bytes = this.options.allocate?.(size) ?? new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    const chunk: RecordChunk = { bytes, firstLine: this.line };

    this.line += this.ends.lines;
    this.ends.lines = 0;
    if (partial !== undefined && this.scanOffset < partial.length) {
      this.pieces = this.pieces.slice(this.scanPiece);
      this.head = this.scanOffset;
    } else {
      this.pieces = [];
      this.head = 0;
    }
    this.scanPiece = 0;
    this.scanOffset = this.head;
    return chunk;
  }
}
