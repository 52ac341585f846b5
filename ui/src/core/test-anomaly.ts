import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';

/** An AnomalyEvent for tests: a closed go-around of abc123 at t=0 unless overridden. */
export function testAnomaly(over: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    v: 1,
    id: 'go_around:abc123:0',
    type: 'go_around',
    phase: 'closed',
    severity: 'warning',
    icao24: 'abc123',
    callsign: null,
    started_at: 0,
    detected_at: 0,
    ended_at: null,
    lat: 0,
    lon: 0,
    alt_m: null,
    airport: null,
    details: {},
    ...over,
  };
}
