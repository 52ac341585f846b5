import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bandOf, CoverageMap } from './coverage.ts';

const T0 = 1_700_000_040_000;

describe('CoverageMap', () => {
  it('counts reports near a place, in altitude bands, after the minute of a given time', () => {
    const c = new CoverageMap();
    for (let k = 0; k < 10; k++) c.note(41.1, -73.1, 9_000, T0 + 61_000 + k * 1_000);
    c.note(41.1, -73.1, 500, T0 + 70_000);
    c.note(45, -73.1, 9_000, T0 + 70_000); // far away
    expect(c.reportsNear(41.05, -73.05, 2, 3, T0, T0 + 120_000)).toBe(10);
    expect(c.reportsNear(41.05, -73.05, 0, 3, T0, T0 + 120_000)).toBe(11);
    expect(c.reportsNear(41.05, -73.05, 0, 3, T0 + 61_000, T0 + 120_000)).toBe(0); // same minute: not after
    expect(c.reportsNear(39, -73.05, 0, 3, T0, T0 + 120_000)).toBe(0);
  });

  it('forgets minute counts older than its memory, but remembers where reports were seen', () => {
    const c = new CoverageMap();
    c.note(41, -73, 9_000, T0);
    c.note(41, -73, 9_000, T0 + (BUCKETS - 1) * 60_000);
    // Still within memory: both counted.
    expect(c.reportsNear(41, -73, 3, 3, T0 - 60_000, T0 + (BUCKETS - 1) * 60_000)).toBe(2);
    c.note(41, -73, 9_000, T0 + BUCKETS * 60_000);
    // T0's minute is forgotten once the cell has seen a minute BUCKETS later.
    expect(c.reportsNear(41, -73, 3, 3, T0 - 60_000, T0 + BUCKETS * 60_000)).toBe(2);
    expect(c.insideSince(41, -73, T0 - 60_000, 3)).toBe(true);
  });

  it('a point beyond the edge of what is covered is not inside; one in a quiet patch surrounded by coverage is', () => {
    const c = new CoverageMap();
    // Reports over a 2 x 2 degree square; nothing south of 40.
    for (let lat = 40.1; lat < 42; lat += 0.25)
      for (let lon = -74.9; lon < -73; lon += 0.25)
        if (Math.abs(lat - 41) > 0.2 || Math.abs(lon + 74) > 0.2) c.note(lat, lon, 9_000, T0);
    expect(c.insideSince(41, -74, T0, 3)).toBe(true); // the quiet patch in the middle
    expect(c.insideSince(39.3, -74, T0, 3)).toBe(false); // 0.7 deg beyond the south edge
    expect(c.insideSince(40.2, -74, T0 + 3_600_000, 3)).toBe(false); // nothing since then
  });

  it('bands by altitude, unknown altitude lowest', () => {
    expect([Number.NaN, 0, 999, 1_000, 2_999, 3_000, 5_999, 6_000, 12_000].map(bandOf)).toEqual([
      0, 0, 0, 1, 1, 2, 2, 3, 3,
    ]);
  });

  it('counts exactly the reports it was given in the cell, for any positions and times within its memory (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 7 * 60_000 - 1 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: -89, max: 89, noNaN: true }),
        fc.double({ min: -179, max: 179, noNaN: true }),
        (offsets, lat, lon) => {
          const c = new CoverageMap();
          const base = Math.floor(T0 / 60_000) * 60_000 + 60_000;
          for (const dt of [...offsets].sort((a, b) => a - b)) c.note(lat, lon, 8_000, base + dt);
          expect(c.reportsNear(lat, lon, 3, 3, base - 1, base + 8 * 60_000)).toBe(offsets.length);
        },
      ),
    );
  });
});
