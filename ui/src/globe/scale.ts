import { EARTH_RADIUS_M } from '../core/geo.ts';

/** three-globe's globe radius in scene units. */
export const GLOBE_RADIUS = 100;
/**
 * Heights are drawn exaggerated: at true scale 12 km is 0.2 % of the radius and every
 * aircraft would sit on the surface. The cockpit camera uses the same scale so it stays
 * behind and above the drawn aircraft.
 */
export const ALT_EXAGGERATION = 6;
/** Lifts even aircraft on the ground just off the surface so the globe does not hide them. */
export const ALT_BASE_REL = 0.0008;

export function relAltitude(altM: number | null): number {
  return (Math.max(0, altM ?? 0) * ALT_EXAGGERATION) / EARTH_RADIUS_M + ALT_BASE_REL;
}

/**
 * Aircraft point size factor by camera altitude (globe radii): full size close up, 60 % when a
 * whole hemisphere is in view. Far out thousands of dots overlap anyway, and under software
 * WebGL the fragments of 15,000 points were a measurable share of the frame.
 */
export function pointScaleForAltitude(altitude: number): number {
  const near = 0.3;
  const far = 1.5;
  if (altitude <= near) return 1;
  if (altitude >= far) return 0.6;
  return 1 - (0.4 * (altitude - near)) / (far - near);
}
