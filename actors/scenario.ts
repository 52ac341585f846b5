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

/**
 * Background traffic that makes the coverage map live around a place: a grid of aircraft every
 * `stepDeg` over `spanDeg` either side of (lat, lon), each flying slow circles at `altM` and
 * reporting every 5 s for `durationS` from `tsMs`. signal_lost fires only where others are seen.
 */
export function backgroundTraffic(
  centre: { lat: number; lon: number },
  o: { spanDeg?: number; stepDeg?: number; altM?: number; durationS: number; tsMs?: number; prefix?: string },
): FlightEnvelope[] {
  const span = o.spanDeg ?? 1.5;
  const step = o.stepDeg ?? 0.25;
  const out: FlightEnvelope[] = [];
  let n = 0;
  for (let dLat = -span; dLat <= span + 1e-9; dLat += step) {
    for (let dLon = -span; dLon <= span + 1e-9; dLon += step) {
      const icao24 = `${o.prefix ?? 'f'}${(n++).toString(16).padStart(5, '0')}`;
      const start = {
        tsMs: (o.tsMs ?? T0_MS) + ((n * 379) % 5000),
        lat: centre.lat + dLat,
        lon: centre.lon + dLon,
        altM: o.altM ?? 9_000,
        speedMs: 100,
        trackDeg: (n * 37) % 360,
      };
      const truth = truthTrack(start, [{ durationS: o.durationS, turnDegS: 3 }], {
        minDtS: 5,
        maxDtS: 5,
        seed: n,
      });
      for (const p of truth) out.push(envelope(icao24, p));
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}
