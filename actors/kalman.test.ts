import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETECTOR_DEFAULTS } from './defaults.ts';
import { haversineM } from './geo.ts';
import { FILTER, TrackFilter } from './kalman.ts';
import { ADSB_NOISE, type Leg, noisyFixes, type TruthPoint, truthTrack } from './synthetic-track.ts';

const START = { tsMs: 1_700_000_000_000, lat: 40.6, lon: -73.8, altM: 3_000, speedMs: 180, trackDeg: 60 };

function run(truth: TruthPoint[], fixes: TruthPoint[]) {
  const f = new TrackFilter(DETECTOR_DEFAULTS);
  let rawSq = 0;
  let smoothSq = 0;
  let altRawSq = 0;
  let altSmoothSq = 0;
  let n = 0;
  fixes.forEach((z, i) => {
    f.update(z.tsMs, z.lat, z.lon, z.altM, z.speedMs, z.trackDeg, z.vrateMs, 0, false);
    if (i < 5) return; // let the filter converge
    const t = truth[i];
    rawSq += haversineM(t.lat, t.lon, z.lat, z.lon) ** 2;
    smoothSq += haversineM(t.lat, t.lon, f.lat, f.lon) ** 2;
    altRawSq += (t.altM - z.altM) ** 2;
    altSmoothSq += (t.altM - f.altM) ** 2;
    n++;
  });
  return {
    rawRmse: Math.sqrt(rawSq / n),
    smoothRmse: Math.sqrt(smoothSq / n),
    altRaw: Math.sqrt(altRawSq / n),
    altSmooth: Math.sqrt(altSmoothSq / n),
  };
}

const SCENARIOS: Record<string, Leg[]> = {
  straight: [{ durationS: 1_200 }],
  turning: [
    { durationS: 120 },
    { durationS: 120, turnDegS: 3 },
    { durationS: 60 },
    { durationS: 90, turnDegS: -2 },
  ],
  climbing: [
    { durationS: 300, vrateMs: 12, accelMs2: 0.1 },
    { durationS: 300, vrateMs: 6 },
  ],
};

describe('TrackFilter accuracy against a noisy synthetic truth', () => {
  // Pooled over six seeds so one lucky or unlucky noise draw decides nothing.
  const pooled = (legs: Leg[], minDtS: number, maxDtS: number) => {
    const sum = { raw: 0, smooth: 0, altRaw: 0, altSmooth: 0 };
    for (let seed = 1; seed <= 6; seed++) {
      const truth = truthTrack(START, legs, { minDtS, maxDtS, seed });
      const r = run(truth, noisyFixes(truth, ADSB_NOISE, seed + 10));
      sum.raw += r.rawRmse ** 2;
      sum.smooth += r.smoothRmse ** 2;
      sum.altRaw += r.altRaw ** 2;
      sum.altSmooth += r.altSmooth ** 2;
    }
    return {
      reduction: 1 - Math.sqrt(sum.smooth / sum.raw),
      altReduction: 1 - Math.sqrt(sum.altSmooth / sum.altRaw),
    };
  };

  for (const [name, legs] of Object.entries(SCENARIOS)) {
    it(`reduces horizontal RMSE by at least 40% versus raw fixes (${name}, dt 1-10 s)`, () => {
      const r = pooled(legs, 1, 10);
      expect(r.reduction).toBeGreaterThanOrEqual(0.4);
      expect(r.altReduction).toBeGreaterThan(0.2);
    });
    it(`still beats the raw fixes with sparse fixes (${name}, dt 5-15 s)`, () => {
      expect(pooled(legs, 5, 15).reduction).toBeGreaterThan(0.1);
    });
  }
});

describe('TrackFilter behaviour', () => {
  it('initialises on the first fix, then updates', () => {
    const f = new TrackFilter(DETECTOR_DEFAULTS);
    expect(f.update(0, 40, -73, 1000, 200, 90, 0, 0, false)).toBe(FILTER.INITIALISED);
    expect(f.lat).toBeCloseTo(40, 9);
    expect(f.update(5_000, 40, -72.988, 1000, 200, 90, 0, 0, false)).toBe(FILTER.UPDATED);
    expect(f.speedMs).toBeGreaterThan(190);
    expect(f.trackDeg).toBeCloseTo(90, 0);
  });

  it('re-initialises after a gap longer than gapResetS instead of predicting across it', () => {
    const f = new TrackFilter(DETECTOR_DEFAULTS);
    f.update(0, 40, -73, 1000, 200, 90, 0, 0, false);
    expect(f.update(61_000, 41, -73, 2000, 200, 0, 0, 0, false)).toBe(FILTER.INITIALISED);
    expect(f.lat).toBeCloseTo(41, 9);
    expect(f.altM).toBeCloseTo(2000, 9);
  });

  it('rejects a single outlier fix through the innovation gate, then believes persistent ones', () => {
    const f = new TrackFilter(DETECTOR_DEFAULTS);
    f.update(0, 40, -73, 1000, 0, 0, 0, 0, false);
    f.update(5_000, 40, -73, 1000, 0, 0, 0, 0, false);
    // 2 km north, at rest: far outside the gate for a 25 m sensor.
    expect(f.update(10_000, 40.018, -73, 1000, 0, 0, 0, 0, false)).toBe(FILTER.OUTLIER);
    expect(f.lat).toBeCloseTo(40, 4);
    expect(f.update(15_000, 40.018, -73, 1000, 0, 0, 0, 0, false)).toBe(FILTER.OUTLIER);
    expect(f.update(20_000, 40.018, -73, 1000, 0, 0, 0, 0, false)).toBe(FILTER.REINITIALISED);
    expect(f.lat).toBeCloseTo(40.018, 6);
  });

  it('trusts MLAT fixes less than ADS-B fixes', () => {
    const move = (src: number) => {
      const f = new TrackFilter(DETECTOR_DEFAULTS);
      const nan = Number.NaN; // position-only fixes
      f.update(0, 40, -73, 1000, nan, nan, 0, src, false);
      f.update(5_000, 40, -73, 1000, nan, nan, 0, src, false);
      f.update(10_000, 40.0005, -73, 1000, nan, nan, 0, src, false); // 55 m north
      return f.lat - 40;
    };
    expect(move(2)).toBeLessThan(move(0));
  });

  it('crosses the antimeridian without a jump', () => {
    const f = new TrackFilter(DETECTOR_DEFAULTS);
    f.update(0, 0, 179.99, 10_000, 250, 90, 0, 0, false);
    expect(f.update(10_000, 0, -179.988, 10_000, 250, 90, 0, 0, false)).toBe(FILTER.UPDATED);
    expect(Math.abs(f.lon)).toBeGreaterThan(179.9);
  });
});

describe('TrackFilter properties', () => {
  const fix = fc.record({
    dtS: fc.double({ min: 0.1, max: 120, noNaN: true }),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    jitter: fc.boolean(), // near the previous fix (realistic) or anywhere on earth
    alt: fc.option(fc.double({ min: -500, max: 25_000, noNaN: true })),
    speed: fc.option(fc.double({ min: 0, max: 700, noNaN: true })),
    track: fc.double({ min: 0, max: 359.999, noNaN: true }),
    vrate: fc.option(fc.double({ min: -200, max: 200, noNaN: true })),
    src: fc.integer({ min: 0, max: 3 }),
  });

  it('keeps every covariance symmetric positive definite and every output finite', () => {
    fc.assert(
      fc.property(fc.array(fix, { minLength: 1, maxLength: 60 }), (fixes) => {
        const f = new TrackFilter(DETECTOR_DEFAULTS);
        let ts = 1_700_000_000_000;
        let lat = 0;
        let lon = 0;
        for (const z of fixes) {
          ts += Math.round(z.dtS * 1000);
          lat = z.jitter ? Math.max(-90, Math.min(90, lat + (z.lat % 1) * 0.01)) : z.lat;
          lon = z.jitter ? Math.max(-180, Math.min(180, lon + (z.lon % 1) * 0.01)) : z.lon;
          f.update(
            ts,
            lat,
            lon,
            z.alt ?? Number.NaN,
            z.speed ?? Number.NaN,
            z.track,
            z.vrate ?? Number.NaN,
            z.src,
            false,
          );
          for (const axis of [0, 1, 2] as const) {
            const [a, b, c] = f.covariance(axis);
            if (axis === 2 && Number.isNaN(f.altM)) continue;
            expect(a).toBeGreaterThan(0);
            expect(c).toBeGreaterThan(0);
            expect(a * c - b * b).toBeGreaterThan(0);
          }
          for (const v of [f.lat, f.lon, f.speedMs, f.trackDeg]) expect(Number.isFinite(v)).toBe(true);
          expect(f.lat).toBeGreaterThanOrEqual(-90);
          expect(f.lat).toBeLessThanOrEqual(90);
          expect(f.lon).toBeGreaterThanOrEqual(-180);
          expect(f.lon).toBeLessThanOrEqual(180);
          if (z.alt !== null) {
            expect(Number.isFinite(f.altM)).toBe(true);
            expect(Number.isFinite(f.vrateMs)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
