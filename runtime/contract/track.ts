import { type Static, Type } from '@sinclair/typebox';
import { ANOMALY_TYPES } from './anomaly.ts';
import { SAFE_TEXT_PATTERN } from './bounds.ts';

/**
 * Track (contract section 6): the smoothed state the edge serves per aircraft.
 * lat/lon rounded to 5 decimals, metres to 0, speeds to 1 (see roundTrack).
 */
export const TrackSchema = Type.Object(
  {
    icao24: Type.String({ pattern: '^[0-9a-f]{6}$' }),
    callsign: Type.Union([Type.String({ maxLength: 8, pattern: SAFE_TEXT_PATTERN }), Type.Null()]),
    origin_country: Type.Optional(Type.Union([Type.String({ pattern: SAFE_TEXT_PATTERN }), Type.Null()])),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    alt_m: Type.Union([Type.Number(), Type.Null()]),
    speed_ms: Type.Union([Type.Number(), Type.Null()]),
    track_deg: Type.Union([Type.Number(), Type.Null()]),
    vrate_ms: Type.Union([Type.Number(), Type.Null()]),
    on_ground: Type.Boolean(),
    squawk: Type.Union([Type.String({ pattern: '^[0-7]{4}$' }), Type.Null()]),
    ts: Type.Integer({ minimum: 0 }),
    anomalies: Type.Array(Type.Union(ANOMALY_TYPES.map((t) => Type.Literal(t)))),
  },
  { $id: 'Track', additionalProperties: true },
);

export type Track = Static<typeof TrackSchema>;

const round = (x: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};
const roundOrNull = (x: number | null, decimals: number): number | null =>
  x === null ? null : round(x, decimals);

/** Applies the contract's rounding: 5 decimals for degrees of position, 0 for metres, 1 for speeds. */
export function roundTrack(t: Track): Track {
  t.lat = round(t.lat, 5);
  t.lon = round(t.lon, 5);
  t.alt_m = roundOrNull(t.alt_m, 0);
  t.speed_ms = roundOrNull(t.speed_ms, 1);
  t.track_deg = roundOrNull(t.track_deg, 1);
  t.vrate_ms = roundOrNull(t.vrate_ms, 1);
  return t;
}
