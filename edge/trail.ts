/** One trail point: [ts ms, lat, lon, alt_m] (contract section 7, GET /flights/{icao24}). */
export type TrailPoint = [tsMs: number, lat: number, lon: number, altM: number | null];

export interface TrailLimits {
  maxPoints: number;
  maxAgeMs: number;
}

export const DEFAULT_TRAIL: TrailLimits = {
  maxPoints: 120,
  maxAgeMs: 600_000, // ten minutes of fixes
};

/**
 * Appends a point (only when newer than the last) and drops points beyond the limits.
 * Age is measured from the newest point's ts, so a replay at 10x keeps its own timeline.
 */
export function appendTrail(trail: TrailPoint[], point: TrailPoint, limits: TrailLimits): void {
  const last = trail[trail.length - 1];
  if (last !== undefined && point[0] <= last[0]) return;
  trail.push(point);
  const oldestMs = point[0] - limits.maxAgeMs;
  let drop = Math.max(0, trail.length - limits.maxPoints);
  while (drop < trail.length && trail[drop][0] < oldestMs) drop++;
  if (drop > 0) trail.splice(0, drop);
}
