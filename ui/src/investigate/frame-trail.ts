import type { TrailPoint } from '../core/profile.ts';

/**
 * A camera that frames a trail and a pin (pure): the centre of their extent and a globe.gl
 * altitude (in globe radii) that shows it whole with a margin. Longitudes are unwrapped around
 * the first point so a trail across the antimeridian frames the short way.
 */
export function framingFor(
  points: readonly TrailPoint[],
  pin: { lat: number; lon: number } | null,
): { lat: number; lon: number; altitude: number } | null {
  const ll: [number, number][] = points.map((p) => [p[1], p[2]]);
  if (pin) ll.push([pin.lat, pin.lon]);
  if (ll.length === 0) return null;
  const lon0 = ll[0]![1];
  let s = 90;
  let n = -90;
  let w = Number.POSITIVE_INFINITY;
  let e = Number.NEGATIVE_INFINITY;
  for (const [lat, lonRaw] of ll) {
    let lon = lonRaw;
    while (lon - lon0 > 180) lon -= 360;
    while (lon - lon0 < -180) lon += 360;
    s = Math.min(s, lat);
    n = Math.max(n, lat);
    w = Math.min(w, lon);
    e = Math.max(e, lon);
  }
  const lat = (s + n) / 2;
  let lon = (w + e) / 2;
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
  const spanDeg = Math.max(n - s, (e - w) * Math.cos((lat * Math.PI) / 180));
  // ~1 globe radius of altitude shows ~60 degrees; 2.5x margin, at least a close-up.
  const altitude = Math.min(2.5, Math.max(0.05, (spanDeg * 2.5) / 60));
  return { lat, lon, altitude };
}
