import type { AnomalyType } from './anomaly.ts';
import type { Track } from './track.ts';

const round = (x: number, f: number): number => Math.round(x * f) / f;
const roundOrNull = (x: number | null, f: number): number | null =>
  x === null ? null : Math.round(x * f) / f;

/**
 * A Track with exactly the contract's fields (plus origin_country when given), rounded as
 * section 6 says (as roundTrack does), in the contract's field order, in one allocation.
 * Unknown extra fields are dropped: the edge serves what the contract names.
 */
export function normalizeTrack(t: Track, anomalies: AnomalyType[]): Track {
  const out: Track = {
    icao24: t.icao24,
    callsign: t.callsign,
    lat: round(t.lat, 1e5),
    lon: round(t.lon, 1e5),
    alt_m: roundOrNull(t.alt_m, 1),
    speed_ms: roundOrNull(t.speed_ms, 10),
    track_deg: roundOrNull(t.track_deg, 10),
    vrate_ms: roundOrNull(t.vrate_ms, 10),
    on_ground: t.on_ground,
    squawk: t.squawk,
    ts: t.ts,
    anomalies,
  };
  if (t.origin_country !== undefined) out.origin_country = t.origin_country;
  return out;
}

/** Strings that need no JSON escaping (callsigns, squawks, ids): written as is. */
const PLAIN = /^[\w .:/-]*$/;
export const str = (s: string | null): string =>
  s === null ? 'null' : PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
export const num = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'null' : `${x}`);

/**
 * JSON of a normalized Track, byte-identical to JSON.stringify of it (a property test checks
 * that) at a fraction of the cost: the edge serializes every changed aircraft each tick.
 */
export function trackJson(t: Track): string {
  const anomalies = t.anomalies.length === 0 ? '[]' : JSON.stringify(t.anomalies);
  const country = t.origin_country === undefined ? '' : `,"origin_country":${str(t.origin_country)}`;
  return (
    `{"icao24":${str(t.icao24)},"callsign":${str(t.callsign)},"lat":${num(t.lat)},"lon":${num(t.lon)}` +
    `,"alt_m":${num(t.alt_m)},"speed_ms":${num(t.speed_ms)},"track_deg":${num(t.track_deg)}` +
    `,"vrate_ms":${num(t.vrate_ms)},"on_ground":${t.on_ground},"squawk":${str(t.squawk)},"ts":${num(t.ts)}` +
    `,"anomalies":${anomalies}${country}}`
  );
}
