import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleTrack } from '../../../runtime/contract/sample.ts';
import { deadReckon, fixLocalTimeMs, MAX_EXTRAPOLATE_S } from './dead-reckoning.ts';
import { angularDistanceDeg, EARTH_RADIUS_M } from './geo.ts';

const metres = (deg: number) => (deg * Math.PI * EARTH_RADIUS_M) / 180;

describe('dead reckoning', () => {
  it('moves east along track 90 at the given speed', () => {
    const p = deadReckon(sampleTrack('abc123', { lat: 0, lon: 0, speed_ms: 250, track_deg: 90 }), 4);
    expect(p.lat).toBeCloseTo(0, 9);
    expect(metres(p.lon)).toBeCloseTo(1000, 3);
  });

  it('moves north along track 0 and climbs with vrate', () => {
    const p = deadReckon(
      sampleTrack('abc123', { lat: 40, lon: -74, speed_ms: 100, track_deg: 0, alt_m: 1000, vrate_ms: 10 }),
      10,
    );
    expect(metres(p.lat - 40)).toBeCloseTo(1000, 3);
    expect(p.lon).toBeCloseTo(-74, 9);
    expect(p.altM).toBe(1100);
  });

  it('holds still without speed or track and never goes below the ground', () => {
    const t = sampleTrack('abc123', { speed_ms: null, alt_m: 50, vrate_ms: -20 });
    const p = deadReckon(t, 10);
    expect([p.lat, p.lon]).toEqual([t.lat, t.lon]);
    expect(p.altM).toBe(0);
    expect(deadReckon(sampleTrack('abc123', { track_deg: null }), 5).lat).toBe(40.5);
  });

  it('clamps dt: negative is 0, beyond the limit stops moving', () => {
    const t = sampleTrack('abc123', { speed_ms: 200, track_deg: 45 });
    expect(deadReckon(t, -3)).toEqual({ lat: t.lat, lon: t.lon, altM: t.alt_m });
    expect(deadReckon(t, MAX_EXTRAPOLATE_S + 100)).toEqual(deadReckon(t, MAX_EXTRAPOLATE_S));
  });

  it('property: distance moved = speed x dt (within 0.5 %), away from the poles', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -70, max: 70, noNaN: true }),
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.double({ min: 1, max: 340, noNaN: true }),
        fc.double({ min: 0, max: 359.9, noNaN: true }),
        fc.double({ min: 0.1, max: MAX_EXTRAPOLATE_S, noNaN: true }),
        (lat, lon, v, trk, dt) => {
          const p = deadReckon(sampleTrack('abc123', { lat, lon, speed_ms: v, track_deg: trk }), dt);
          const moved = metres(angularDistanceDeg({ lat, lon }, p));
          expect(Math.abs(moved - v * dt)).toBeLessThan(v * dt * 0.005 + 0.01);
        },
      ),
    );
  });

  it('fix local time: subtracts a plausible age, ignores an implausible one', () => {
    expect(fixLocalTimeMs(10_000, 9_000, 500_000)).toBe(499_000);
    expect(fixLocalTimeMs(10_000, 11_000, 500_000)).toBe(500_000);
    expect(fixLocalTimeMs(1_700_000_000_000, 1_600_000_000_000, 500_000)).toBe(500_000);
  });
});
