import type { HistoryRow } from '../runtime/contract/index.ts';
import { COPY_BINARY_SIGNATURE, PG_EPOCH_MS } from '../runtime/db/copy-binary-reader.ts';

/**
 * PostgreSQL binary COPY encoding of history rows. Binary, not text: the server then parses no
 * numbers, timestamps or geometry text (timestamptz is an int64, geometry its EWKB), and encoding
 * here is a few buffer writes per field. Measured against a text encoder in docs/benchmarks.md.
 * Format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format).
 */

/** Column order of the encoded tuples; COPY ... (HISTORY_COLUMNS) FROM STDIN must name them so. */
export const HISTORY_COLUMNS = [
  'icao24',
  'ts',
  'geom',
  'callsign',
  'baro_alt_m',
  'geo_alt_m',
  'speed_ms',
  'track_deg',
  'vrate_ms',
  'on_ground',
  'squawk',
  'smooth_lat',
  'smooth_lon',
  'smooth_alt_m',
] as const;

const TWO_32 = 4_294_967_296;
// Per row without its strings: field count, 14 lengths, int64 ts, 25-byte EWKB, 6 float4,
// 2 float8, 1 bool.
const FIXED_ROW_BYTES = 2 + 14 * 4 + 8 + 25 + 6 * 4 + 2 * 8 + 1;

export interface BinaryChunkOptions {
  /** The first chunk of a COPY carries the signature header... */
  header: boolean;
  /** ...and the last one the end-of-data marker. */
  trailer: boolean;
}

// Text goes as it is: PostgreSQL refuses a NUL in text (22021), and the sink then isolates and
// dead-letters that row (sinks/isolate.ts) rather than store an altered callsign.

/** rows[start, end) as one chunk of a binary COPY stream. */
export function encodeHistoryBinary(
  rows: readonly HistoryRow[],
  start: number,
  end: number,
  { header, trailer }: BinaryChunkOptions,
): Buffer {
  let size = 19 + 2;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    size += FIXED_ROW_BYTES + 3 * (r.icao24.length + (r.callsign?.length ?? 0) + (r.squawk?.length ?? 0));
  }
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  if (header) {
    COPY_BINARY_SIGNATURE.copy(buf, 0);
    buf.writeInt32BE(0, 11); // flags
    buf.writeInt32BE(0, 15); // header extension length
    o = 19;
  }
  const text = (s: string | null) => {
    if (s === null) {
      o = buf.writeInt32BE(-1, o);
      return;
    }
    const n = buf.write(s, o + 4, 'utf8');
    buf.writeInt32BE(n, o);
    o += 4 + n;
  };
  const float4 = (x: number | null) => {
    if (x === null) {
      o = buf.writeInt32BE(-1, o);
      return;
    }
    buf.writeInt32BE(4, o);
    o = buf.writeFloatBE(x, o + 4);
  };
  const float8 = (x: number) => {
    buf.writeInt32BE(8, o);
    o = buf.writeDoubleBE(x, o + 4);
  };
  for (let i = start; i < end; i++) {
    const r = rows[i];
    o = buf.writeInt16BE(HISTORY_COLUMNS.length, o);
    text(r.icao24);
    // timestamptz: int64 microseconds since 2000-01-01 (exact for integer ms within +-142,000 years)
    const us = (r.ts - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / TWO_32);
    buf.writeInt32BE(8, o);
    buf.writeInt32BE(hi, o + 4);
    o = buf.writeUInt32BE(us - hi * TWO_32, o + 8);
    // geometry: EWKB, little-endian Point with the SRID flag, SRID 4326
    buf.writeInt32BE(25, o);
    buf[o + 4] = 1;
    buf.writeUInt32LE(0x20000001, o + 5);
    buf.writeUInt32LE(4326, o + 9);
    buf.writeDoubleLE(r.lon, o + 13);
    o = buf.writeDoubleLE(r.lat, o + 21);
    text(r.callsign);
    float4(r.baro_alt_m);
    float4(r.geo_alt_m);
    float4(r.speed_ms);
    float4(r.track_deg);
    float4(r.vrate_ms);
    buf.writeInt32BE(1, o);
    buf[o + 4] = r.on_ground ? 1 : 0;
    o += 5;
    text(r.squawk);
    float8(r.smooth_lat);
    float8(r.smooth_lon);
    float4(r.smooth_alt_m);
  }
  if (trailer) o = buf.writeInt16BE(-1, o);
  return buf.subarray(0, o);
}

/** Hex EWKB of POINT(lon lat) with SRID 4326, for parameterized statements (geometry reads it fast). */
export function ewkbPointHex(lon: number, lat: number): string {
  const b = Buffer.allocUnsafe(25);
  b[0] = 1;
  b.writeUInt32LE(0x20000001, 1);
  b.writeUInt32LE(4326, 5);
  b.writeDoubleLE(lon, 9);
  b.writeDoubleLE(lat, 17);
  return b.toString('hex');
}
