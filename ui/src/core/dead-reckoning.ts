import type { Track } from '../../../runtime/contract/track.ts';
import { type LatLon, offsetLatLon } from './geo.ts';

/** Beyond this the last report is too old to extrapolate: the aircraft stays where it was last seen. */
export const MAX_EXTRAPOLATE_S = 15;
/** A track older than this (relative to its frame) means the two clocks disagree (e.g. a replay): age it 0. */
export const MAX_PLAUSIBLE_AGE_MS = 30_000;

export interface Predicted extends LatLon {
  altM: number | null;
}

/**
 * Where a track is `dtS` seconds after its fix: straight line along track_deg at speed_ms,
 * altitude along vrate_ms (never below 0). Without speed or track the aircraft holds still.
 * dt is clamped to [0, MAX_EXTRAPOLATE_S] so a silent aircraft does not fly off.
 */
export function deadReckon(t: Track, dtS: number): Predicted {
  const dt = Math.min(Math.max(dtS, 0), MAX_EXTRAPOLATE_S);
  const alt = t.alt_m === null ? null : Math.max(0, t.alt_m + (t.vrate_ms ?? 0) * dt);
  if (t.speed_ms === null || t.track_deg === null || t.speed_ms === 0 || dt === 0) {
    return { lat: t.lat, lon: t.lon, altM: alt };
  }
  const p = offsetLatLon(t.lat, t.lon, t.track_deg, t.speed_ms * dt);
  return { lat: p.lat, lon: p.lon, altM: alt };
}

/**
 * Local (performance.now) time the fix was taken, from when the frame carrying it arrived:
 * the frame's server ts minus the track's ts is the age of the fix at send time.
 */
export function fixLocalTimeMs(frameTsMs: number, trackTsMs: number, receivedLocalMs: number): number {
  const age = frameTsMs - trackTsMs;
  if (!(age >= 0 && age <= MAX_PLAUSIBLE_AGE_MS)) return receivedLocalMs;
  return receivedLocalMs - age;
}
