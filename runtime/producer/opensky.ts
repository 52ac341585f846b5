import type { FlightEnvelope } from '../contract/envelope.ts';
import { validateEnvelope } from '../contract/validate.ts';

/**
 * OpenSky REST state vectors (GET /states/all) to FlightEnvelopes. Field order of the OpenSky docs:
 * icao24, callsign, origin_country, time_position, last_contact, longitude, latitude, baro_altitude,
 * on_ground, velocity, true_track, vertical_rate, sensors, geo_altitude, squawk, spi,
 * position_source, [category] (only with extended=1). Seconds become milliseconds. Pure.
 */
export type StateVector = unknown[];

export interface OpenSkyStatesResponse {
  time: number;
  states: StateVector[] | null;
}

export type ConvertResult =
  | { ok: true; envelope: FlightEnvelope }
  | { ok: false; reason: 'no_position' | 'invalid'; detail: string };

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

export function stateToEnvelope(s: StateVector): ConvertResult {
  if (!Array.isArray(s) || s.length < 17)
    return { ok: false, reason: 'invalid', detail: 'not a state vector' };
  const timePosition = num(s[3]);
  const lon = num(s[5]);
  const lat = num(s[6]);
  // No position (or no time for it): nothing to track; OpenSky sends these for Mode-S-only contacts.
  if (timePosition === null || lat === null || lon === null) {
    return { ok: false, reason: 'no_position', detail: String(s[0]) };
  }
  const callsign = str(s[1])?.trim() ?? '';
  const lastContact = num(s[4]);
  const track = num(s[10]);
  const squawk = str(s[14]);
  const posSource = num(s[16]);
  const category = num(s[17]);
  const envelope = {
    v: 1,
    icao24: (str(s[0]) ?? '').trim().toLowerCase(),
    callsign: callsign === '' ? null : callsign,
    origin_country: str(s[2]),
    ts: Math.round(timePosition * 1000),
    last_contact: lastContact === null ? null : Math.round(lastContact * 1000),
    lat,
    lon,
    baro_alt_m: num(s[7]),
    geo_alt_m: num(s[13]),
    speed_ms: num(s[9]),
    // OpenSky sends 360 for due north now and then; the contract's range is [0, 360).
    track_deg: track === null ? null : ((track % 360) + 360) % 360,
    vrate_ms: num(s[11]),
    on_ground: s[8] === true,
    // A malformed squawk (not four octal digits) is dropped rather than the whole fix.
    squawk: squawk !== null && /^[0-7]{4}$/.test(squawk) ? squawk : null,
    spi: s[15] === true,
    pos_source: posSource !== null && posSource >= 0 && posSource <= 3 ? posSource : 0,
    category:
      category !== null && Number.isInteger(category) && category >= 0 && category <= 20 ? category : null,
    source: 'opensky' as const,
  };
  const v = validateEnvelope(envelope);
  return v.ok ? { ok: true, envelope: v.value } : { ok: false, reason: 'invalid', detail: v.reason };
}

export interface ConvertedStates {
  envelopes: FlightEnvelope[];
  noPosition: number;
  invalid: number;
  /** States whose position time did not change since the previous poll (not republished). */
  unchanged: number;
}

/**
 * Converts one response. `lastTs` (icao24 -> ts of the last published fix) drops repeats of an
 * unchanged position and is pruned to the aircraft in this response, so it stays bounded.
 */
export function convertStates(res: OpenSkyStatesResponse, lastTs: Map<string, number>): ConvertedStates {
  const out: ConvertedStates = { envelopes: [], noPosition: 0, invalid: 0, unchanged: 0 };
  const seen = new Set<string>();
  for (const s of res.states ?? []) {
    const r = stateToEnvelope(s);
    if (!r.ok) {
      if (r.reason === 'no_position') out.noPosition++;
      else out.invalid++;
      continue;
    }
    const e = r.envelope;
    seen.add(e.icao24);
    if (lastTs.get(e.icao24) === e.ts) {
      out.unchanged++;
      continue;
    }
    lastTs.set(e.icao24, e.ts);
    out.envelopes.push(e);
  }
  for (const k of lastTs.keys()) if (!seen.has(k)) lastTs.delete(k);
  return out;
}
