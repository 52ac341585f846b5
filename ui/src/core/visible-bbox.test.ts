import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { angularDistanceDeg } from './geo.ts';
import { bboxChanged, bboxContains, visibleBBox, visibleRadiusDeg } from './visible-bbox.ts';

const view = (over: Partial<Parameters<typeof visibleBBox>[0]> = {}) => ({
  lat: 40.7,
  lon: -74,
  altitude: 0.05,
  fovDeg: 50,
  aspect: 16 / 9,
  ...over,
});

describe('visible bbox', () => {
  it('far away the whole hemisphere shows: null', () => {
    expect(visibleBBox(view({ altitude: 2.5 }))).toBeNull();
  });

  it('close up over NYC: a small box around the point', () => {
    const b = visibleBBox(view())!;
    expect(b).not.toBeNull();
    const [w, s, e, n] = b;
    expect(w).toBeLessThan(-74);
    expect(e).toBeGreaterThan(-74);
    expect(s).toBeLessThan(40.7);
    expect(n).toBeGreaterThan(40.7);
    expect(e - w).toBeLessThan(20);
  });

  it('the visible radius grows with altitude and never passes the horizon', () => {
    let prev = 0;
    for (const alt of [0.01, 0.05, 0.2, 0.5, 1, 3]) {
      const r = visibleRadiusDeg(view({ altitude: alt }));
      expect(r).toBeGreaterThan(prev);
      expect(r).toBeLessThanOrEqual((Math.acos(1 / (1 + alt)) * 180) / Math.PI + 1e-9);
      prev = r;
    }
  });

  it('near the antimeridian or a pole the box spans all longitudes', () => {
    expect(visibleBBox(view({ lon: 179.5, altitude: 0.1 }))![0]).toBe(-180);
    const polar = visibleBBox(view({ lat: 85, altitude: 0.1 }))!;
    expect([polar[0], polar[2], polar[3]]).toEqual([-180, 180, 90]);
  });

  it('property: every point within the visible radius is inside the box', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0.005, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lat, lon, altitude, u, v) => {
          const vw = view({ lat, lon, altitude });
          const b = visibleBBox(vw);
          const r = visibleRadiusDeg(vw);
          // A point at angular distance < r from the centre, in some direction.
          const pLat = Math.max(-90, Math.min(90, lat + (u * 2 - 1) * r * 0.7));
          const pLon = lon + (v * 2 - 1) * r * 0.7;
          if (pLon < -180 || pLon > 180) return;
          if (angularDistanceDeg({ lat, lon }, { lat: pLat, lon: pLon }) > r) return;
          expect(bboxContains(b, pLat, pLon)).toBe(true);
          if (b) expect(b[0]).toBeLessThanOrEqual(b[2]);
        },
      ),
    );
  });

  it('bboxChanged uses a tolerance and treats null specially', () => {
    expect(bboxChanged(null, null)).toBe(false);
    expect(bboxChanged(null, [0, 0, 1, 1])).toBe(true);
    expect(bboxChanged([0, 0, 1, 1], [0.01, 0, 1, 1])).toBe(false);
    expect(bboxChanged([0, 0, 1, 1], [0.5, 0, 1, 1])).toBe(true);
  });
});
