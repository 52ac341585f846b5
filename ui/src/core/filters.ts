import type { Track } from '../../../runtime/contract/track.ts';
import { isEmergencySquawk } from './emphasis.ts';

/** What the filter panel sets. Bounds are inclusive metres; null = unbounded. */
export interface FlightFilter {
  altMinM: number | null;
  altMaxM: number | null;
  showOnGround: boolean;
  /** Case-insensitive substring of the callsign or the ICAO24; '' matches all. */
  query: string;
  /** Only aircraft with an open anomaly or an emergency squawk. */
  anomaliesOnly: boolean;
}

export const DEFAULT_FILTER: FlightFilter = {
  altMinM: null,
  altMaxM: null,
  showOnGround: true,
  query: '',
  anomaliesOnly: false,
};

/**
 * Whether an aircraft passes the filter. An aircraft with no altitude passes an altitude
 * bound only when it is on the ground and the lower bound is at most 0 (it is at ground level).
 */
export function matchesFilter(t: Track, f: FlightFilter): boolean {
  if (t.on_ground && !f.showOnGround) return false;
  if (f.altMinM !== null || f.altMaxM !== null) {
    const alt = t.alt_m ?? (t.on_ground ? 0 : null);
    if (alt === null) return false;
    if (f.altMinM !== null && alt < f.altMinM) return false;
    if (f.altMaxM !== null && alt > f.altMaxM) return false;
  }
  if (f.anomaliesOnly && t.anomalies.length === 0 && !isEmergencySquawk(t.squawk)) return false;
  const q = f.query.trim().toLowerCase();
  if (q !== '') {
    const cs = t.callsign?.toLowerCase() ?? '';
    if (!cs.includes(q) && !t.icao24.includes(q)) return false;
  }
  return true;
}

export function countMatching(flights: Iterable<Track>, f: FlightFilter): number {
  let n = 0;
  for (const t of flights) if (matchesFilter(t, f)) n++;
  return n;
}
