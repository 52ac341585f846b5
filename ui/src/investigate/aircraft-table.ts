import type { Track } from '../../../runtime/contract/track.ts';
import { isEmergencySquawk } from '../core/emphasis.ts';

/** The aircraft table's columns and ordering (pure). */
export type SortKey = 'callsign' | 'icao24' | 'alt' | 'speed' | 'vrate' | 'squawk' | 'alerts' | 'age';
export interface Sort {
  key: SortKey;
  desc: boolean;
}

export const TABLE_MAX_ROWS = 300;

/** The value a column sorts by; null sorts last whichever the direction. */
export function sortValue(t: Track, key: SortKey, nowMs: number): number | string | null {
  switch (key) {
    case 'callsign':
      return t.callsign?.trim() || null;
    case 'icao24':
      return t.icao24;
    case 'alt':
      return t.alt_m ?? (t.on_ground ? 0 : null);
    case 'speed':
      return t.speed_ms;
    case 'vrate':
      return t.vrate_ms;
    case 'squawk':
      return t.squawk;
    case 'alerts':
      return t.anomalies.length + (isEmergencySquawk(t.squawk) ? 1 : 0);
    case 'age':
      return nowMs - t.ts;
  }
}

/** Sorted rows (a new array), ties broken by icao24 so the order is stable between refreshes. */
export function sortTracks(tracks: Iterable<Track>, sort: Sort, nowMs: number): Track[] {
  const rows = [...tracks].map((t) => ({ t, v: sortValue(t, sort.key, nowMs) }));
  const dir = sort.desc ? -1 : 1;
  rows.sort((a, b) => {
    if (a.v === null || b.v === null) {
      if (a.v !== b.v) return a.v === null ? 1 : -1;
    } else if (a.v !== b.v) return (a.v < b.v ? -1 : 1) * dir;
    return a.t.icao24 < b.t.icao24 ? -1 : a.t.icao24 > b.t.icao24 ? 1 : 0;
  });
  return rows.map((r) => r.t);
}

/** Clicking a header: the same column flips the direction, another starts ascending. */
export const nextSort = (s: Sort, key: SortKey): Sort =>
  s.key === key ? { key, desc: !s.desc } : { key, desc: false };

/** Inside w,s,e,n (w > e crosses the antimeridian): the table's "in view" toggle. */
export function inBox(b: readonly [number, number, number, number], lon: number, lat: number): boolean {
  const [w, s, e, n] = b;
  if (lat < s || lat > n) return false;
  return w <= e ? lon >= w && lon <= e : lon >= w || lon <= e;
}
