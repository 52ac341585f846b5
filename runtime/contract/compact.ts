import type { AnomalyType } from './anomaly.ts';
import type { Track } from './track.ts';
import { num, str } from './track-json.ts';

/**
 * The compact WebSocket encoding (`/ws/flights?encoding=compact`, docs/edge.md): snapshot and
 * delta frames keep their JSON envelope, but each Track is a positional row carrying only the
 * fields that changed since the state the previous tick announced:
 *
 *   [icao24, mask, ...the values of the mask's bits, in bit order]
 *
 * A row with FULL set is a whole record (replaces what the client holds); without it, a row
 * patches the client's copy of that aircraft. `ts` is sent as an offset from the frame's `ts`;
 * lat/lon as integers in 1e-5 degrees, speeds and track as integers in tenths (the contract's
 * precision as fixed point: shorter, cheaper to print, and exact, see `fixed`).
 * Pure (no Node APIs), part of the protocol: the edge encodes with it and the UI's feed worker
 * decodes with it (docs/contract.md).
 */
export const COMPACT_ENCODING = 'compact';

export const F_CALLSIGN = 1;
export const F_LAT = 2;
export const F_LON = 4;
export const F_ALT = 8;
export const F_SPEED = 16;
export const F_TRACK = 32;
export const F_VRATE = 64;
export const F_GROUND = 128;
export const F_SQUAWK = 256;
export const F_TS = 512;
export const F_ANOMALIES = 1024;
export const F_COUNTRY = 2048;
export const F_FULL = 4096;
/** Every field a Track always has (origin_country is optional). */
const F_REQUIRED = 2047;

export type CompactRow = [icao24: string, mask: number, ...values: unknown[]];

const sameAnomalies = (a: readonly AnomalyType[], b: readonly AnomalyType[]): boolean =>
  a.length === b.length && a.every((t, i) => t === b[i]);
const anomaliesJson = (a: readonly AnomalyType[]): string => (a.length === 0 ? '[]' : JSON.stringify(a));
const tsJson = (tsMs: number, baseTsMs: number): string => num(tsMs - baseTsMs);

/** Fixed-point scales: the contract rounds lat/lon to 5 decimals, speeds and track to 1. */
export const LATLON_SCALE = 1e5;
export const TENTHS_SCALE = 10;

/**
 * A board number as a scaled integer when that round-trips exactly (`n / scale` gives back the
 * very same double, which holds for every value the contract's rounding produced in range), else
 * as a decimal string (absurd magnitudes); null for null and non-finite, as in the JSON encoding.
 */
export function fixed(v: number | null, scale: number): string {
  if (v === null || !Number.isFinite(v)) return 'null';
  const n = Math.round(v * scale);
  return Number.isSafeInteger(n) && n / scale === v ? `${n}` : `"${v}"`;
}

function unfixed(x: unknown, scale: number): number | null {
  if (x === null) return null;
  if (typeof x === 'string') return Number(x);
  if (typeof x !== 'number') throw new CompactDecodeError(`expected a number, got ${JSON.stringify(x)}`);
  return x / scale;
}

/**
 * One row as JSON text: the fields of `cur` that differ from `prev` (the state the client holds),
 * or the whole record when the client holds nothing (`prev` null) or a field must be dropped
 * (origin_country gone). Numbers are the board's, already at the contract's precision.
 */
export function compactRow(prev: Track | null, cur: Track, baseTsMs: number): string {
  if (prev === null || (prev.origin_country !== undefined && cur.origin_country === undefined))
    return fullRow(cur, baseTsMs);
  let mask = 0;
  let values = '';
  if (cur.callsign !== prev.callsign) {
    mask |= F_CALLSIGN;
    values += `,${str(cur.callsign)}`;
  }
  if (cur.lat !== prev.lat) {
    mask |= F_LAT;
    values += `,${fixed(cur.lat, LATLON_SCALE)}`;
  }
  if (cur.lon !== prev.lon) {
    mask |= F_LON;
    values += `,${fixed(cur.lon, LATLON_SCALE)}`;
  }
  if (cur.alt_m !== prev.alt_m) {
    mask |= F_ALT;
    values += `,${fixed(cur.alt_m, 1)}`;
  }
  if (cur.speed_ms !== prev.speed_ms) {
    mask |= F_SPEED;
    values += `,${fixed(cur.speed_ms, TENTHS_SCALE)}`;
  }
  if (cur.track_deg !== prev.track_deg) {
    mask |= F_TRACK;
    values += `,${fixed(cur.track_deg, TENTHS_SCALE)}`;
  }
  if (cur.vrate_ms !== prev.vrate_ms) {
    mask |= F_VRATE;
    values += `,${fixed(cur.vrate_ms, TENTHS_SCALE)}`;
  }
  if (cur.on_ground !== prev.on_ground) {
    mask |= F_GROUND;
    values += `,${cur.on_ground}`;
  }
  if (cur.squawk !== prev.squawk) {
    mask |= F_SQUAWK;
    values += `,${str(cur.squawk)}`;
  }
  if (cur.ts !== prev.ts) {
    mask |= F_TS;
    values += `,${tsJson(cur.ts, baseTsMs)}`;
  }
  if (!sameAnomalies(cur.anomalies, prev.anomalies)) {
    mask |= F_ANOMALIES;
    values += `,${anomaliesJson(cur.anomalies)}`;
  }
  if (cur.origin_country !== undefined && cur.origin_country !== prev.origin_country) {
    mask |= F_COUNTRY;
    values += `,${str(cur.origin_country)}`;
  }
  return `[${str(cur.icao24)},${mask}${values}]`;
}

/** The whole record (first sight, entering a box, snapshots). */
export function fullRow(t: Track, baseTsMs: number): string {
  const hasCountry = t.origin_country !== undefined;
  const mask = F_FULL | F_REQUIRED | (hasCountry ? F_COUNTRY : 0);
  return (
    `[${str(t.icao24)},${mask},${str(t.callsign)},${fixed(t.lat, LATLON_SCALE)},${fixed(t.lon, LATLON_SCALE)}` +
    `,${fixed(t.alt_m, 1)},${fixed(t.speed_ms, TENTHS_SCALE)},${fixed(t.track_deg, TENTHS_SCALE)}` +
    `,${fixed(t.vrate_ms, TENTHS_SCALE)},${t.on_ground},${str(t.squawk)}` +
    `,${tsJson(t.ts, baseTsMs)},${anomaliesJson(t.anomalies)}${hasCountry ? `,${str(t.origin_country ?? null)}` : ''}]`
  );
}

export class CompactDecodeError extends Error {}

/**
 * Applies one row to the record the client holds (`prev`, undefined when it holds none) and
 * returns a new Track with the contract's fields in the contract's order. A patch row for an
 * aircraft the client does not hold means the stream is out of step: resync.
 */
export function decodeRow(row: unknown, prev: Track | undefined, baseTsMs: number): Track {
  if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'number')
    throw new CompactDecodeError('a compact row must be [icao24, mask, ...values]');
  const mask = row[1];
  const full = (mask & F_FULL) !== 0;
  if (full && (mask & F_REQUIRED) !== F_REQUIRED)
    throw new CompactDecodeError(`full row for ${row[0]} lacks fields (mask ${mask})`);
  const base = full ? undefined : prev;
  if (!full && base === undefined)
    throw new CompactDecodeError(`patch row for ${row[0]}, which this client does not hold`);
  let i = 2;
  const take = (bit: number, old: unknown): unknown => ((mask & bit) !== 0 ? row[i++] : old);
  const num = (bit: number, scale: number, old: number | null | undefined): number | null =>
    (mask & bit) !== 0 ? unfixed(row[i++], scale) : (old as number | null);
  const b = base as Track;
  const out: Track = {
    icao24: row[0],
    callsign: take(F_CALLSIGN, b?.callsign) as string | null,
    lat: num(F_LAT, LATLON_SCALE, b?.lat) as number,
    lon: num(F_LON, LATLON_SCALE, b?.lon) as number,
    alt_m: num(F_ALT, 1, b?.alt_m),
    speed_ms: num(F_SPEED, TENTHS_SCALE, b?.speed_ms),
    track_deg: num(F_TRACK, TENTHS_SCALE, b?.track_deg),
    vrate_ms: num(F_VRATE, TENTHS_SCALE, b?.vrate_ms),
    on_ground: take(F_GROUND, b?.on_ground) as boolean,
    squawk: take(F_SQUAWK, b?.squawk) as string | null,
    ts: (mask & F_TS) !== 0 ? tsOf(row[i++], baseTsMs) : b.ts,
    anomalies: take(F_ANOMALIES, b?.anomalies) as AnomalyType[],
  };
  const country = take(F_COUNTRY, b?.origin_country) as string | null | undefined;
  if (country !== undefined) out.origin_country = country;
  if (i !== row.length) throw new CompactDecodeError(`row for ${row[0]}: ${row.length - i} values too many`);
  return out;
}

const tsOf = (offset: unknown, baseTsMs: number): number =>
  // JSON has no NaN: a non-finite ts went out as null on both encodings.
  (offset === null ? null : baseTsMs + (offset as number)) as number;

/**
 * What a compact client holds: the Track of every aircraft in its subscription. Turns compact
 * snapshot and delta frames back into the contract's Track objects (the same as the JSON
 * encoding would have carried). Apply frames in seq order only; after a gap, wait for a snapshot.
 */
export class CompactDecoder {
  readonly flights = new Map<string, Track>();

  /** A snapshot replaces everything held; returns its Tracks. */
  snapshot(tsMs: number, rows: readonly unknown[]): Track[] {
    this.flights.clear();
    const out: Track[] = [];
    for (const row of rows) {
      const t = decodeRow(row, undefined, tsMs);
      this.flights.set(t.icao24, t);
      out.push(t);
    }
    return out;
  }

  /** A delta: returns the upserted Tracks in full. Throws CompactDecodeError when out of step. */
  delta(tsMs: number, rows: readonly unknown[], removes: readonly string[]): Track[] {
    const out: Track[] = [];
    for (const row of rows) {
      const id = Array.isArray(row) ? row[0] : undefined;
      const t = decodeRow(row, this.flights.get(id as string), tsMs);
      this.flights.set(t.icao24, t);
      out.push(t);
    }
    for (const id of removes) this.flights.delete(id);
    return out;
  }

  reset(): void {
    this.flights.clear();
  }
}
