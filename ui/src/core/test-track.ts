import type { Track } from '../../../runtime/contract/track.ts';

/** A valid Track with overrides, for unit tests. */
export function makeTrack(over: Partial<Track> = {}): Track {
  return {
    icao24: 'abc123',
    callsign: 'DAL123',
    lat: 40.64,
    lon: -73.78,
    alt_m: 3000,
    speed_ms: 200,
    track_deg: 90,
    vrate_ms: 0,
    on_ground: false,
    squawk: '1200',
    ts: 1_700_000_000_000,
    anomalies: [],
    ...over,
  };
}

export const icaoOf = (i: number): string => i.toString(16).padStart(6, '0');
