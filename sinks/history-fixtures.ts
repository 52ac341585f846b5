import type { AnomalyEvent, HistoryRow } from '../runtime/contract/index.ts';
import { anomalyId } from '../runtime/contract/index.ts';

/** Made-up history rows and anomaly events for the sink's tests and benchmark. */

export function historyRow(overrides: Partial<HistoryRow> = {}): HistoryRow {
  return {
    icao24: 'a0b1c2',
    callsign: 'DAL123',
    ts: Date.UTC(2024, 10, 27, 12, 0, 0),
    lat: 40.64,
    lon: -73.78,
    baro_alt_m: 3000,
    geo_alt_m: 3050,
    speed_ms: 220.5,
    track_deg: 90.25,
    vrate_ms: -5.5,
    on_ground: false,
    squawk: '1200',
    smooth_lat: 40.6401,
    smooth_lon: -73.7801,
    smooth_alt_m: 3010,
    ...overrides,
  };
}

export const icao24Of = (i: number): string => (0xa00000 + i).toString(16);

export interface StreamOptions {
  aircraft: number;
  fixesPerAircraft: number;
  startMs: number;
  /** Seconds between one aircraft's fixes (every aircraft reports once per round). */
  stepMs?: number;
  /** The first round to yield (a resumed write continues where it stopped; rows are the same). */
  fromFix?: number;
}

/**
 * rows in stream order: round by round, every aircraft once per round (ts strictly increasing per
 * aircraft, as the actors deliver them), each on its own straight line near New York.
 */
export function* syntheticStream(o: StreamOptions): Generator<HistoryRow> {
  const step = o.stepMs ?? 5_000;
  for (let k = o.fromFix ?? 0; k < o.fixesPerAircraft; k++) {
    for (let a = 0; a < o.aircraft; a++) {
      const lat = 40 + (a % 100) * 0.01 + k * 0.0005;
      const lon = -74 + Math.floor(a / 100) * 0.01 + k * 0.0007;
      yield historyRow({
        icao24: icao24Of(a),
        callsign: `TST${a % 10_000}`,
        ts: o.startMs + k * step + (a % 1_000),
        lat,
        lon,
        baro_alt_m: 3000 + k,
        geo_alt_m: null,
        speed_ms: 200 + (a % 50),
        track_deg: 45,
        vrate_ms: 0,
        squawk: a % 7 === 0 ? null : '1200',
        smooth_lat: lat,
        smooth_lon: lon,
        smooth_alt_m: 3000 + k,
      });
    }
  }
}

export function anomalyEvent(overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  const type = overrides.type ?? 'emergency_squawk';
  const icao24 = overrides.icao24 ?? 'a0b1c2';
  const startedAt = overrides.started_at ?? Date.UTC(2024, 10, 27, 12, 0, 0);
  return {
    v: 1,
    id: anomalyId(type, icao24, startedAt),
    type,
    phase: 'open',
    severity: 'critical',
    icao24,
    callsign: 'DAL123',
    started_at: startedAt,
    detected_at: startedAt + 5_000,
    ended_at: null,
    lat: 40.64,
    lon: -73.78,
    alt_m: 900,
    airport: null,
    details: { squawk: '7700' },
    ...overrides,
  };
}
