import type { Track } from '../runtime/contract/index.ts';

/** A valid Track for tests and the benchmark; `over` replaces any field. */
export function makeTrack(icao24: string, over: Partial<Track> = {}): Track {
  return {
    icao24,
    callsign: 'TEST123',
    lat: 40.5,
    lon: -73.5,
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

export const icaoOf = (n: number): string => (0xa00000 + n).toString(16);
