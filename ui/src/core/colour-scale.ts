import type { Track } from '../../../runtime/contract/track.ts';
import { emphasisOf } from './emphasis.ts';

/** RGB, each channel in [0, 1] (what a three.js colour attribute takes). */
export type Rgb = readonly [number, number, number];

/**
 * Altitude stops (metres), interpolated linearly in RGB between them: low = warm, high = cool,
 * like most flight maps, so climbing traffic reads as a gradient.
 */
export const ALTITUDE_STOPS: ReadonlyArray<{ altM: number; rgb: Rgb }> = [
  { altM: 0, rgb: [1.0, 0.55, 0.0] },
  { altM: 1_500, rgb: [1.0, 0.85, 0.1] },
  { altM: 4_000, rgb: [0.3, 0.9, 0.2] },
  { altM: 7_000, rgb: [0.1, 0.85, 0.85] },
  { altM: 10_000, rgb: [0.25, 0.45, 1.0] },
  { altM: 13_000, rgb: [0.75, 0.35, 1.0] },
];

export const GROUND_RGB: Rgb = [0.6, 0.6, 0.6];
export const UNKNOWN_ALT_RGB: Rgb = [0.85, 0.85, 0.85];
export const EMERGENCY_RGB: Rgb = [1.0, 0.05, 0.05];
export const ANOMALY_RGB: Rgb = [1.0, 0.15, 0.75];

export function altitudeRgb(altM: number): Rgb {
  const stops = ALTITUDE_STOPS;
  if (altM <= stops[0]!.altM) return stops[0]!.rgb;
  for (let i = 1; i < stops.length; i++) {
    const hi = stops[i]!;
    if (altM === hi.altM) return hi.rgb;
    if (altM < hi.altM) {
      const lo = stops[i - 1]!;
      const k = (altM - lo.altM) / (hi.altM - lo.altM);
      return [
        lo.rgb[0] + (hi.rgb[0] - lo.rgb[0]) * k,
        lo.rgb[1] + (hi.rgb[1] - lo.rgb[1]) * k,
        lo.rgb[2] + (hi.rgb[2] - lo.rgb[2]) * k,
      ];
    }
  }
  return stops[stops.length - 1]!.rgb;
}

/** The colour an aircraft is drawn in: emergency and anomaly colours win over altitude. */
export function trackRgb(t: Track): Rgb {
  const e = emphasisOf(t);
  if (e === 'emergency') return EMERGENCY_RGB;
  if (e === 'anomaly') return ANOMALY_RGB;
  if (t.on_ground) return GROUND_RGB;
  if (t.alt_m === null) return UNKNOWN_ALT_RGB;
  return altitudeRgb(t.alt_m);
}

/** Point size multiplier so highlighted aircraft stand out from the crowd. */
export function trackSizeFactor(t: Track): number {
  const e = emphasisOf(t);
  return e === 'emergency' ? 2.6 : e === 'anomaly' ? 2.0 : 1;
}

export function rgbToCss(c: Rgb): string {
  const h = (x: number) =>
    Math.round(Math.min(1, Math.max(0, x)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${h(c[0])}${h(c[1])}${h(c[2])}`;
}

/** CSS linear-gradient for the legend, built from the same stops the globe uses. */
export function legendGradientCss(): string {
  const max = ALTITUDE_STOPS[ALTITUDE_STOPS.length - 1]!.altM;
  const parts = ALTITUDE_STOPS.map((s) => `${rgbToCss(s.rgb)} ${((s.altM / max) * 100).toFixed(1)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
