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
 * Aircraft point size factor by camera altitude (globe radii): 3.2 (14 px glyphs) close up, 1.2 at
 * half a radius, 0.6 when a whole hemisphere is in view. Far out thousands of dots overlap anyway,
 * and under software WebGL the fragments of 15,000 points were a measurable share of the frame;
 * close up only the few aircraft in view are drawn, big enough to show their heading.
 */
export function pointScaleForAltitude(altitude: number): number {
  const stops: [number, number][] = [
    [0.1, 3.2],
    [0.5, 1.2],
    [1.5, 0.6],
  ];
  if (altitude <= stops[0]![0]) return stops[0]![1];
  for (let i = 1; i < stops.length; i++) {
    const [a1, s1] = stops[i]!;
    const [a0, s0] = stops[i - 1]!;
    if (altitude <= a1) return s0 + ((s1 - s0) * (altitude - a0)) / (a1 - a0);
  }
  return stops[stops.length - 1]![1];
}
