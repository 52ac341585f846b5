/**
 * Reads PostgreSQL's binary COPY format (`COPY (...) TO STDOUT (FORMAT binary)`), chunk by chunk
 * as the server sends it: no text to parse (a float8 is 8 bytes, a timestamptz an int64), about a
 * tenth of what pg's text rows cost per field (docs/benchmarks.md, "Playback"). Pure: the caller
 * feeds the chunks. Format: PostgreSQL's documentation of COPY, "Binary Format".
 */

/** The 11-byte signature a binary COPY starts with. */
export const COPY_BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** 2000-01-01T00:00:00Z, where timestamptz counts from (microseconds). */
export const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;

export class CopyBinaryError extends Error {}

export class CopyBinaryReader {
  /** The current row's fields: field i starts at offsets[i] and is lengths[i] bytes (-1: NULL). */
  readonly offsets: Int32Array;
  readonly lengths: Int32Array;
  /** The current chunk (what onRow's buf is) as a DataView: V8 reads big-endian numbers from it fast. */
  view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private rest: Buffer | null = null;
  private header = false;
  private done = false;

  constructor(private readonly fields: number) {
    this.offsets = new Int32Array(fields);
    this.lengths = new Int32Array(fields);
  }

  /** Calls onRow(buf) for each whole row so far; its fields are in buf at offsets/lengths. */
  push(chunk: Buffer, onRow: (buf: Buffer) => void): void {
    let buf = chunk;
    if (this.rest !== null) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let o = 0;
    if (!this.header) {
      if (buf.length < 19) {
        this.rest = buf;
        return;
      }
      if (!buf.subarray(0, 11).equals(COPY_BINARY_SIGNATURE)) throw new CopyBinaryError('not a binary COPY');
      const extension = buf.readUInt32BE(15);
      if (buf.length < 19 + extension) {
        this.rest = buf;
        return;
      }
      o = 19 + extension;
      this.header = true;
    }
    const n = buf.length;
    const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = v;
    while (o + 2 <= n) {
      if (this.done) throw new CopyBinaryError('data after the end of a binary COPY');
      const count = v.getInt16(o);
      if (count === -1) {
        this.done = true;
        o += 2;
        continue;
      }
      if (count !== this.fields)
        throw new CopyBinaryError(`a row of ${count} fields, expected ${this.fields}`);
      let p = o + 2;
      let whole = true;
      for (let i = 0; i < count; i++) {
        if (p + 4 > n) {
          whole = false;
          break;
        }
        const len = v.getInt32(p);
        p += 4;
        this.offsets[i] = p;
        this.lengths[i] = len;
        if (len > 0) p += len;
        if (p > n) {
          whole = false;
          break;
        }
      }
      if (!whole) break;
      onRow(buf);
      o = p;
    }
    if (o < n) this.rest = buf.subarray(o);
  }

  /** Throws unless the data ended with the end-of-data marker and nothing after it. */
  end(): void {
    if (!this.done || this.rest !== null) throw new CopyBinaryError('binary COPY ended in the middle');
  }

  isNull(i: number): boolean {
    return this.lengths[i] < 0;
  }
  float8(i: number): number {
    return this.view.getFloat64(this.offsets[i]);
  }
  /** float4 or float8 (real columns arrive as 4 bytes); null for NULL. */
  float(i: number): number | null {
    const len = this.lengths[i];
    if (len < 0) return null;
    return len === 4 ? this.view.getFloat32(this.offsets[i]) : this.view.getFloat64(this.offsets[i]);
  }
  bool(i: number): boolean {
    return this.view.getUint8(this.offsets[i]) !== 0;
  }
  text(buf: Buffer, i: number): string | null {
    const len = this.lengths[i];
    return len < 0 ? null : buf.toString('utf8', this.offsets[i], this.offsets[i] + len);
  }
  /** Whether field i holds exactly the ASCII string s (null: NULL), without making a string. */
  sameAscii(buf: Buffer, i: number, s: string | null): boolean {
    const len = this.lengths[i];
    if (s === null || len < 0) return s === null && len < 0;
    if (len !== s.length) return false;
    const o = this.offsets[i];
    for (let k = 0; k < len; k++) if (buf[o + k] !== s.charCodeAt(k)) return false;
    return true;
  }
  /** Field i as a number when it is 1-6 lower-case hex digits (an icao24), else -1. */
  hex24(buf: Buffer, i: number): number {
    const len = this.lengths[i];
    if (len < 1 || len > 6) return -1;
    let x = 0;
    for (let o = this.offsets[i], end = o + len; o < end; o++) {
      const ch = buf[o];
      const d = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 97 && ch <= 102 ? ch - 87 : -1;
      if (d < 0) return -1;
      x = x * 16 + d;
    }
    // The length too: "0a" and "a" are different ids.
    return x + len * 16_777_216;
  }
  /** A timestamptz as ms since the Unix epoch (microseconds kept as the fraction). */
  timestampMs(i: number): number {
    const o = this.offsets[i];
    return (this.view.getInt32(o) * TWO_32 + this.view.getUint32(o + 4)) / 1000 + PG_EPOCH_MS;
  }
}
