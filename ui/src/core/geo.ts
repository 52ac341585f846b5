/** Small spherical-earth helpers shared by dead reckoning, the cockpit camera and the globe layer. */

export const EARTH_RADIUS_M = 6_371_000;
const DEG = Math.PI / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Wraps a longitude into [-180, 180). */
export function wrapLon(lon: number): number {
  const w = ((((lon + 180) % 360) + 360) % 360) - 180;
  return w;
}

/**
 * Moves a point `distanceM` along `bearingDeg` (0 = north, clockwise), flat-earth step:
 * exact enough for the few km an aircraft covers between updates. Negative distance goes backwards.
 */
export function offsetLatLon(lat: number, lon: number, bearingDeg: number, distanceM: number): LatLon {
  const b = bearingDeg * DEG;
  const northM = distanceM * Math.cos(b);
  const eastM = distanceM * Math.sin(b);
  let nextLat = lat + northM / EARTH_RADIUS_M / DEG;
  // Near the poles the east step blows up; clamp the cosine so the longitude stays finite.
  const cosLat = Math.max(Math.cos(lat * DEG), 1e-6);
  let nextLon = lon + eastM / (EARTH_RADIUS_M * cosLat) / DEG;
  if (nextLat > 90) {
    nextLat = 180 - nextLat;
    nextLon += 180;
  } else if (nextLat < -90) {
    nextLat = -180 - nextLat;
    nextLon += 180;
  }
  return { lat: nextLat, lon: wrapLon(nextLon) };
}

/** Great-circle angle between two points, in degrees. */
export function angularDistanceDeg(a: LatLon, b: LatLon): number {
  const p1 = a.lat * DEG;
  const p2 = b.lat * DEG;
  const dp = p2 - p1;
  const dl = (b.lon - a.lon) * DEG;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(h)))) / DEG;
}

/**
 * The globe's scene coordinates (three-globe's polar2Cartesian: radius 100, y up,
 * lon 0 on +z). `relAlt` is the height as a fraction of the globe radius.
 * Writes into `out` at `offset` so a layer can fill a Float32Array without allocating.
 */
export function geoToScene(
  lat: number,
  lon: number,
  relAlt: number,
  radius: number,
  out: Float32Array | number[],
  offset: number,
): void {
  const phi = (90 - lat) * DEG;
  const theta = (90 - lon) * DEG;
  const r = radius * (1 + relAlt);
  const s = Math.sin(phi);
  out[offset] = r * s * Math.cos(theta);
  out[offset + 1] = r * Math.cos(phi);
  out[offset + 2] = r * s * Math.sin(theta);
}
