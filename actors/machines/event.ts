import {
  type AnomalyEvent,
  type AnomalyType,
  anomalyId,
  type Severity,
} from '../../runtime/contract/index.ts';
import type { Observation } from '../observation.ts';

/** Builds an AnomalyEvent (contract section 5). Events are rare, so allocating here is fine. */
export function anomalyEvent(
  type: AnomalyType,
  phase: 'open' | 'closed',
  severity: Severity,
  at: { icao24: string; callsign: string | null; lat: number; lon: number; altM: number },
  times: { startedAt: number; detectedAt: number; endedAt: number | null },
  airport: string | null,
  details: Record<string, unknown>,
): AnomalyEvent {
  return {
    v: 1,
    id: anomalyId(type, at.icao24, times.startedAt),
    type,
    phase,
    severity,
    icao24: at.icao24,
    callsign: at.callsign,
    started_at: times.startedAt,
    detected_at: times.detectedAt,
    ended_at: times.endedAt,
    lat: at.lat,
    lon: at.lon,
    alt_m: Number.isNaN(at.altM) ? null : Math.round(at.altM * 10) / 10,
    airport,
    details,
  };
}

/** A copy of where an observation was, to report later (the open event's position). */
export const positionOf = (o: Observation) => ({
  icao24: o.icao24,
  callsign: o.callsign,
  lat: o.lat,
  lon: o.lon,
  altM: o.altM,
});

export const round1 = (x: number): number => Math.round(x * 10) / 10;
