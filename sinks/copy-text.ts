import type { HistoryRow } from '../runtime/contract/index.ts';

/**
 * PostgreSQL COPY text encoding of history rows, built for throughput: one string per batch,
 * geometry as hex EWKB (no WKT parsing on the server), and escaping only for the one free-text
 * field (callsign) and only when it holds a character COPY treats specially.
 */

/** Column order of the encoded lines; COPY ... (HISTORY_COLUMNS) FROM STDIN must name them so. */
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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// Little-endian, type Point with the SRID flag (0x20000001), SRID 4326 (0x10E6).
const EWKB_POINT_4326_HEADER = '0101000020e6100000';
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

function f64Hex(x: number): string {
  f64[0] = x;
  const b = f64Bytes;
  // Host byte order is little-endian on every platform Node supports here (x64, arm64).
  return HEX[b[0]] + HEX[b[1]] + HEX[b[2]] + HEX[b[3]] + HEX[b[4]] + HEX[b[5]] + HEX[b[6]] + HEX[b[7]];
}

/** Hex EWKB of POINT(lon lat) with SRID 4326: what geometry's text input reads fastest. */
export function ewkbPointHex(lon: number, lat: number): string {
  return EWKB_POINT_4326_HEADER + f64Hex(lon) + f64Hex(lat);
}

const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '' };

/**
 * COPY text escaping for a string field: backslash, tab, newline, carriage return. NUL is dropped
 * (PostgreSQL text cannot hold it; sending it would fail the whole batch).
 */
export function copyEscape(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]);
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const MAX_ISO_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
let cachedMinute = Number.NaN;
let cachedMinutePrefix = '';

/**
 * ISO-8601 UTC text of a ms epoch, as Date#toISOString but about ten times faster: the
 * 'YYYY-MM-DDTHH:MM:' prefix is cached per minute (a batch spans few minutes).
 */
export function isoTs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_ISO_MS) return new Date(ms).toISOString();
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedMinutePrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const rest = ms - minute * 60_000;
  const s = Math.floor(rest / 1000);
  return `${cachedMinutePrefix}${PAD2[s]}.${PAD3[rest - s * 1000]}Z`;
}

const num = (x: number | null): string => (x === null ? '\\N' : String(x));
const text = (s: string | null): string => (s === null ? '\\N' : copyEscape(s));

/** One COPY text line (with its newline) for a row, columns in HISTORY_COLUMNS order. */
export function historyLine(r: HistoryRow): string {
  return `${copyEscape(r.icao24)}\t${isoTs(r.ts)}\t${ewkbPointHex(r.lon, r.lat)}\t${text(r.callsign)}\t${num(r.baro_alt_m)}\t${num(r.geo_alt_m)}\t${num(r.speed_ms)}\t${num(r.track_deg)}\t${num(r.vrate_ms)}\t${r.on_ground ? 't' : 'f'}\t${text(r.squawk)}\t${r.smooth_lat}\t${r.smooth_lon}\t${num(r.smooth_alt_m)}\n`;
}

/** rows[start, end) as one COPY text payload. */
export function encodeHistoryRows(rows: readonly HistoryRow[], start = 0, end = rows.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += historyLine(rows[i]);
  return out;
}
