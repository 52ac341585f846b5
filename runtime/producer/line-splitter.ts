/**
 * Splits a byte stream into lines with a cap on a line's length, so one enormous line (200 MB took
 * `detect` to 595 MB through readline, which has no cap) costs at most the cap in memory: past it,
 * the line's bytes are counted and dropped until its end, and it comes out as an over-long line
 * with its size. `\n` ends a line; a `\r` before it is dropped (as readline with crlfDelay
 * Infinity). Bytes are decoded as UTF-8 once a line is whole, so a character split across chunks
 * stays intact. Pure: no I/O.
 */

/** 64 KiB: an envelope is ~400 bytes; the dead-letter topic keeps 64 KiB of a raw message. */
export const MAX_LINE_BYTES = 64 * 1024;

export type SplitLine = { text: string } | { overLongBytes: number };

export const lineTooLongReason = (bytes: number, maxBytes = MAX_LINE_BYTES): string =>
  `line_too_long: ${bytes} bytes (at most ${maxBytes})`;

export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overLong = false;

  constructor(readonly maxLineBytes = MAX_LINE_BYTES) {
    if (!(maxLineBytes >= 1)) throw new RangeError('maxLineBytes must be at least 1');
  }

  /** The lines this chunk completes, in order. */
  push(chunk: Uint8Array): SplitLine[] {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      const end = nl < 0 ? buf.length : nl;
      this.take(buf, start, end);
      if (nl < 0) break;
      out.push(this.finish());
      start = nl + 1;
    }
    return out;
  }

  /** The last line when the input does not end with a newline (none when it does). */
  end(): SplitLine[] {
    if (this.partBytes === 0 && !this.overLong) return [];
    return [this.finish()];
  }

  private take(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.partBytes += end - start;
    if (this.overLong) return;
    if (this.partBytes > this.maxLineBytes + 1) {
      // +1: a trailing \r is not part of the line; an over-long line keeps only its count.
      this.overLong = true;
      this.parts = [];
      return;
    }
    this.parts.push(buf.subarray(start, end));
  }

  private finish(): SplitLine {
    let line: SplitLine;
    if (this.overLong) {
      line = { overLongBytes: this.partBytes };
    } else {
      let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
      line =
        bytes.length > this.maxLineBytes ? { overLongBytes: bytes.length } : { text: bytes.toString('utf8') };
    }
    this.parts = [];
    this.partBytes = 0;
    this.overLong = false;
    return line;
  }
}
