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
  return compileFilter(f)(t);
}

/**
 * The filter as a predicate with the query normalised once: the layer runs it on every upsert
 * (thousands per delta), so per-call string work adds up.
 */
export function compileFilter(f: FlightFilter): (t: Track) => boolean {
  const q = f.query.trim().toLowerCase();
  const { altMinM, altMaxM, showOnGround, anomaliesOnly } = f;
  const bounded = altMinM !== null || altMaxM !== null;
  return (t) => {
    if (t.on_ground && !showOnGround) return false;
    if (bounded) {
      const alt = t.alt_m ?? (t.on_ground ? 0 : null);
      if (alt === null) return false;
      if (altMinM !== null && alt < altMinM) return false;
      if (altMaxM !== null && alt > altMaxM) return false;
    }
    if (anomaliesOnly && t.anomalies.length === 0 && !isEmergencySquawk(t.squawk)) return false;
    if (q !== '' && !(t.callsign?.toLowerCase() ?? '').includes(q) && !t.icao24.includes(q)) return false;
    return true;
  };
}

export function countMatching(flights: Iterable<Track>, f: FlightFilter): number {
  const match = compileFilter(f);
  let n = 0;
  for (const t of flights) if (match(t)) n++;
  return n;
}
