import type { FlightEnvelope } from '../../contract/envelope.ts';
import { validateEnvelope } from '../../contract/validate.ts';
import { M_PER_FT, MS_PER_FPM, MS_PER_KT } from '../units.ts';

/**
 * readsb / dump1090-fa / tar1090 `aircraft.json` to FlightEnvelopes. The file is a snapshot:
 * `now` (epoch seconds) and `aircraft`, each with `hex`, `flight`, `alt_baro` (feet, or "ground"),
 * `alt_geom` (ft), `gs` (kt), `track` (deg), `baro_rate` / `geom_rate` (ft/min), `squawk`,
 * `category` ("A3"...), `type` ("adsb_icao", "mlat"...), `lat`, `lon`, `seen_pos` (seconds since
 * the position was received), `seen`. The fix time is `now - seen_pos`. Pure.
 */
export interface AircraftJson {
  now: number;
  aircraft: unknown[];
}

/** A position received longer ago than this is not fresh: readsb keeps showing it for a while. */
export const MAX_POSITION_AGE_S = 60;

export type AircraftResult =
  | { ok: true; envelope: FlightEnvelope }
  | { ok: false; reason: 'no_position' | 'stale_position' | 'ignored' | 'invalid'; detail: string };

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/**
 * ADS-B emitter category (DO-260: set A, B or C and a digit) to OpenSky's extended category
 * numbers, the contract's `category`: A1 light 2 ... A7 rotorcraft 8, B1 glider 9 ... B7 space 15,
 * C1 surface emergency 16 ... C5 line obstacle 20; a set's 0 is "no category information" (1).
 */
export function categoryNumber(c: unknown): number | null {
  if (typeof c !== 'string' || !/^[A-C][0-7]$/.test(c)) return null;
  const digit = Number(c[1]);
  if (digit === 0) return 1;
  const base = { A: 1, B: 8, C: 15 }[c[0] as 'A' | 'B' | 'C'];
  const n = base + digit;
  return c[0] === 'C' && digit > 5 ? null : n;
}

/** One aircraft of the snapshot taken at `nowS` (epoch seconds). */
export function aircraftToEnvelope(a: unknown, nowS: number): AircraftResult {
  if (typeof a !== 'object' || a === null) return { ok: false, reason: 'invalid', detail: 'not an object' };
  const r = a as Record<string, unknown>;
  const hex = str(r.hex)?.trim().toLowerCase() ?? '';
  // Non-ICAO addresses (TIS-B and anonymous, written "~abc123") have no airframe to follow.
  if (hex.startsWith('~')) return { ok: false, reason: 'ignored', detail: hex };
  const lat = num(r.lat);
  const lon = num(r.lon);
  const seenPos = num(r.seen_pos);
  if (lat === null || lon === null || seenPos === null)
    return { ok: false, reason: 'no_position', detail: hex };
  if (seenPos > MAX_POSITION_AGE_S || seenPos < 0)
    return { ok: false, reason: 'stale_position', detail: `${hex} seen_pos ${seenPos}` };
  const onGround = r.alt_baro === 'ground';
  const altBaroFt = num(r.alt_baro);
  const altGeomFt = num(r.alt_geom);
  const gs = num(r.gs);
  const track = num(r.track);
  const rate = num(r.baro_rate) ?? num(r.geom_rate);
  const squawk = str(r.squawk);
  const callsign = str(r.flight)?.trim() ?? '';
  const envelope = {
    v: 1,
    icao24: hex,
    callsign: callsign === '' ? null : callsign,
    origin_country: null,
    ts: Math.round((nowS - seenPos) * 1000),
    last_contact: num(r.seen) === null ? null : Math.round((nowS - (num(r.seen) as number)) * 1000),
    lat,
    lon,
    baro_alt_m: altBaroFt === null ? null : altBaroFt * M_PER_FT,
    geo_alt_m: altGeomFt === null ? null : altGeomFt * M_PER_FT,
    speed_ms: gs === null ? null : gs * MS_PER_KT,
    track_deg: track === null ? null : ((track % 360) + 360) % 360,
    vrate_ms: rate === null ? null : rate * MS_PER_FPM,
    on_ground: onGround,
    squawk: squawk !== null && /^[0-7]{4}$/.test(squawk) ? squawk : null,
    spi: r.spi === 1 || r.spi === true,
    pos_source: r.type === 'mlat' ? 2 : 0,
    category: categoryNumber(r.category),
    source: 'readsb' as const,
  };
  const v = validateEnvelope(envelope);
  return v.ok
    ? { ok: true, envelope: v.value }
    : { ok: false, reason: 'invalid', detail: `${hex} ${v.reason}` };
}

export interface ConvertedAircraft {
  envelopes: FlightEnvelope[];
  /** Counts by result: no_position, stale_position, ignored, invalid, unchanged. */
  skipped: Record<'no_position' | 'stale_position' | 'ignored' | 'invalid' | 'unchanged', number>;
  /** The first invalid aircraft's reason (for the log). */
  firstInvalid: string | null;
}

interface LastFix {
  ts: number;
  lat: number;
  lon: number;
  altM: number | null;
  onGround: boolean;
}

/**
 * Converts one snapshot. `last` (icao24 -> the last published fix) keeps an aircraft whose
 * position did not change from being sent again every poll (readsb repeats the last position
 * until a new one arrives; `now - seen_pos` of the same fix wobbles by its 0.1 s rounding), and
 * is pruned to the aircraft in this snapshot, so it stays bounded.
 */
export function convertAircraftJson(body: AircraftJson, last: Map<string, LastFix>): ConvertedAircraft {
  const out: ConvertedAircraft = {
    envelopes: [],
    skipped: { no_position: 0, stale_position: 0, ignored: 0, invalid: 0, unchanged: 0 },
    firstInvalid: null,
  };
  const seen = new Set<string>();
  for (const a of body.aircraft) {
    const r = aircraftToEnvelope(a, body.now);
    if (!r.ok) {
      out.skipped[r.reason]++;
      if (r.reason === 'invalid' && out.firstInvalid === null) out.firstInvalid = r.detail;
      continue;
    }
    const e = r.envelope;
    seen.add(e.icao24);
    const prev = last.get(e.icao24);
    const altM = e.baro_alt_m ?? null;
    if (
      prev !== undefined &&
      (e.ts <= prev.ts ||
        (prev.lat === e.lat && prev.lon === e.lon && prev.altM === altM && prev.onGround === e.on_ground))
    ) {
      out.skipped.unchanged++;
      continue;
    }
    last.set(e.icao24, { ts: e.ts, lat: e.lat, lon: e.lon, altM, onGround: e.on_ground });
    out.envelopes.push(e);
  }
  for (const k of last.keys()) if (!seen.has(k)) last.delete(k);
  return out;
}

/** Checks the snapshot's shape; a string says what is wrong. */
export function asAircraftJson(x: unknown): AircraftJson | string {
  if (typeof x !== 'object' || x === null) return 'not a JSON object';
  const o = x as Record<string, unknown>;
  if (typeof o.now !== 'number' || !Number.isFinite(o.now)) return '"now" is not a number';
  if (!Array.isArray(o.aircraft)) return '"aircraft" is not an array';
  return { now: o.now, aircraft: o.aircraft };
}
