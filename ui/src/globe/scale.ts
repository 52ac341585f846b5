import { EARTH_RADIUS_M } from '../core/geo.ts';

/** three-globe's globe radius in scene units. */
export const GLOBE_RADIUS = 100;
/**
 * Heights are drawn exaggerated: at true scale 12 km is 0.2 % of the radius and every
 * aircraft would sit on the surface. The cockpit camera uses the same scale so it stays
 * behind and above the drawn aircraft.
 */
export const ALT_EXAGGERATION = 6;

export function relAltitude(altM: number | null): number {
  return (Math.max(0, altM ?? 0) * ALT_EXAGGERATION) / EARTH_RADIUS_M + 0.0008;
}
