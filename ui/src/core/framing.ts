import { angularDistanceDeg } from './geo.ts';

/** Where the camera looks from: lat/lon of the centre and altitude in globe radii. */
export interface Framing {
  lat: number;
  lon: number;
  altitude: number;
}

/** No closer than this when framing (a single aircraft), no farther (traffic on every continent). */
export const FRAMING_MIN_ALT = 0.12;
export const FRAMING_MAX_ALT = 2.5;

/**
 * The view that frames the traffic: centred on the mean position (as unit vectors, so the
 * antimeridian is no special case), far enough out that 90 % of the aircraft are inside the
 * smaller of the view's half-angles. `fovDeg` is the vertical field of view.
 */
export function frameTraffic(
  points: readonly { lat: number; lon: number }[],
  fovDeg: number,
  aspect: number,
): Framing | null {
  if (points.length === 0) return null;
  let x = 0;
  let y = 0;
  let z = 0;
  const rad = Math.PI / 180;
  for (const p of points) {
    x += Math.cos(p.lat * rad) * Math.cos(p.lon * rad);
    y += Math.cos(p.lat * rad) * Math.sin(p.lon * rad);
    z += Math.sin(p.lat * rad);
  }
  const lat = Math.atan2(z, Math.hypot(x, y)) / rad;
  const lon = Math.atan2(y, x) / rad;
  const d = points.map((p) => angularDistanceDeg({ lat, lon }, p)).sort((a, b) => a - b);
  const radiusDeg = d[Math.min(d.length - 1, Math.floor(d.length * 0.9))]!;
  // Seen from `altitude` radii above the surface, a small cap of angle r fills a half-angle of about
  // atan(r / altitude) (both in radii): altitude = r / tan(half-angle), with a 20 % margin.
  const half = Math.min((fovDeg / 2) * rad, Math.atan(Math.tan((fovDeg / 2) * rad) * aspect));
  const altitude = (1.2 * radiusDeg * rad) / Math.tan(half);
  return { lat, lon, altitude: Math.min(FRAMING_MAX_ALT, Math.max(FRAMING_MIN_ALT, altitude)) };
}
