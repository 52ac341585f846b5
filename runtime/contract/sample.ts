import type { FlightEnvelope } from './envelope.ts';
import type { Track } from './track.ts';

/** A complete, valid FlightEnvelope with every field set: the base of tests and benchmarks. */
export const SAMPLE_ENVELOPE: FlightEnvelope = {
  v: 1,
  icao24: 'a0b1c2',
  callsign: 'DAL123',
  origin_country: 'United States',
  ts: 1_732_700_000_000,
  last_contact: 1_732_700_000_400,
  lat: 40.64,
  lon: -73.78,
  baro_alt_m: 1200,
  geo_alt_m: 1250,
  speed_ms: 120.5,
  track_deg: 310,
  vrate_ms: -5.2,
  on_ground: false,
  squawk: '1200',
  spi: false,
  pos_source: 0,
  category: 4,
  source: 'replay',
  ingest_ts: 1_732_700_000_900,
};

/** The n-th of a run of distinct, valid ICAO24 addresses for tests and benchmarks (a00000 + n). */
export const sampleIcao24 = (n: number): string => (0xa00000 + n).toString(16);

/** A valid Track for tests and benchmarks; `over` replaces any field. */
export function sampleTrack(icao24: string, over: Partial<Track> = {}): Track {
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
