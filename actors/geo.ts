/** Small spherical-earth helpers shared by the pure cores. Degrees in, metres out. */

export const EARTH_RADIUS_M = 6_371_008.8;
export const DEG = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator). */
export const M_PER_DEG = EARTH_RADIUS_M * DEG;

/** Wraps a longitude difference into [-180, 180) so tracks across the antimeridian stay short. */
export function wrapDeg(d: number): number {
  return d >= 180 || d < -180 ? ((((d + 180) % 360) + 360) % 360) - 180 : d;
}

/** Great-circle distance (haversine). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * DEG;
  const dLon = wrapDeg(lon2 - lon1) * DEG;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * s2 * s2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Equirectangular distance: one cosine, no asin. Within 0.5% of haversine below a few hundred km,
 * which is all the plausibility gate and the airport cache need; far larger distances only ever
 * need to be "large", and it never under-estimates them by more than a few percent.
 */
export function fastDistM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const x = wrapDeg(lon2 - lon1) * Math.cos(((lat1 + lat2) / 2) * DEG);
  const y = lat2 - lat1;
  return Math.sqrt(x * x + y * y) * M_PER_DEG;
}
