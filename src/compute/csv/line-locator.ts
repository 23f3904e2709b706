/**
 * Physical line numbers (as an editor counts them: every LF is a new line, CRLF is one) of byte offsets in
 * a chunk, so that errors name the line even after quoted fields that span lines. csv-parse's own `lines`
 * counts CR and LF separately in CRLF files, so batch-grad counts for itself.
 */
const LF = 0x0a;

export class LineLocator {
  private offset = 0;
  private line: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly firstLine: number,
  ) {
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
