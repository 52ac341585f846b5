import type { FlightEnvelope } from '../runtime/contract/index.ts';
import { DEG, M_PER_DEG } from './geo.ts';
import { type Leg, type TruthPoint, truthTrack } from './synthetic-track.ts';

/** Scenario building for tests and the benchmark: synthetic flights as FlightEnvelopes. */

export const T0_MS = 1_732_700_000_000;

/** A point `distM` from (lat, lon) on bearing `bearingDeg`. */
export function offset(
  lat: number,
  lon: number,
  bearingDeg: number,
  distM: number,
): { lat: number; lon: number } {
  return {
    lat: lat + (distM * Math.cos(bearingDeg * DEG)) / M_PER_DEG,
    lon: lon + (distM * Math.sin(bearingDeg * DEG)) / (M_PER_DEG * Math.cos(lat * DEG)),
  };
}

export function envelope(icao24: string, p: TruthPoint, extra: Partial<FlightEnvelope> = {}): FlightEnvelope {
  return {
    v: 1,
    icao24,
    callsign: 'TST123',
    ts: p.tsMs,
    lat: p.lat,
    lon: p.lon,
    baro_alt_m: Math.round(p.altM * 10) / 10,
    geo_alt_m: null,
    speed_ms: p.speedMs,
    track_deg: p.trackDeg % 360,
    vrate_ms: p.vrateMs,
    on_ground: false,
    squawk: '1200',
    pos_source: 0,
    source: 'synthetic',
    ingest_ts: p.tsMs,
    ...extra,
  };
}

/** A flight from a start state through legs, sampled every `everyS` seconds. */
export function flight(
  icao24: string,
  start: { tsMs?: number; lat: number; lon: number; altM: number; speedMs: number; trackDeg: number },
  legs: Leg[],
  everyS = 5,
): FlightEnvelope[] {
  const truth = truthTrack({ tsMs: T0_MS, ...start }, legs, { minDtS: everyS, maxDtS: everyS, seed: 1 });
  return truth.map((p) => envelope(icao24, p));
}
