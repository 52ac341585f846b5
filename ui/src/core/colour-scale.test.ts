import { describe, expect, it } from 'vitest';
import { sampleTrack } from '../../../runtime/contract/sample.ts';
import {
  ALTITUDE_STOPS,
  ANOMALY_RGB,
  altitudeRgb,
  EMERGENCY_RGB,
  GROUND_RGB,
  legendGradientCss,
  rgbToCss,
  trackRgb,
  trackSizeFactor,
} from './colour-scale.ts';

describe('colour scale', () => {
  it('hits each stop exactly and clamps outside the range', () => {
    for (const s of ALTITUDE_STOPS) expect(altitudeRgb(s.altM)).toEqual(s.rgb);
    expect(altitudeRgb(-100)).toEqual(ALTITUDE_STOPS[0]!.rgb);
    expect(altitudeRgb(99_000)).toEqual(ALTITUDE_STOPS[ALTITUDE_STOPS.length - 1]!.rgb);
  });

  it('interpolates halfway between stops', () => {
    const [a, b] = [ALTITUDE_STOPS[0]!, ALTITUDE_STOPS[1]!];
    const mid = altitudeRgb((a.altM + b.altM) / 2);
    for (let i = 0; i < 3; i++) expect(mid[i]).toBeCloseTo((a.rgb[i]! + b.rgb[i]!) / 2, 9);
  });

  it('emergency beats anomaly beats ground beats altitude', () => {
    expect(trackRgb(sampleTrack('abc123', { squawk: '7500', anomalies: ['go_around'] }))).toBe(EMERGENCY_RGB);
    expect(trackRgb(sampleTrack('abc123', { anomalies: ['rapid_descent'], on_ground: true }))).toBe(
      ANOMALY_RGB,
    );
    expect(trackRgb(sampleTrack('abc123', { on_ground: true }))).toBe(GROUND_RGB);
    expect(trackRgb(sampleTrack('abc123', { alt_m: 4000 }))).toEqual(altitudeRgb(4000));
    expect(trackSizeFactor(sampleTrack('abc123', { squawk: '7600' }))).toBeGreaterThan(
      trackSizeFactor(sampleTrack('abc123')),
    );
  });

  it('css helpers', () => {
    expect(rgbToCss([1, 0, 0.5])).toBe('#ff0080');
    expect(legendGradientCss()).toMatch(/^linear-gradient\(to right, #[0-9a-f]{6} 0\.0%/);
    expect(legendGradientCss()).toContain('100.0%');
  });
});
