import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { angularDistanceDeg, geoToScene, offsetLatLon, wrapLon } from './geo.ts';

describe('geo', () => {
  it('wraps longitudes into [-180, 180)', () => {
    expect(wrapLon(190)).toBe(-170);
    expect(wrapLon(-190)).toBe(170);
    expect(wrapLon(180)).toBe(-180);
    expect(wrapLon(12.5)).toBe(12.5);
  });

  it('matches three-globe: lat 0 lon 0 is +z, north pole is +y, lon 90 is +x', () => {
    const out = [0, 0, 0];
    geoToScene(0, 0, 0, 100, out, 0);
    expect(out.map((x) => Math.round(x))).toEqual([0, 0, 100]);
    geoToScene(90, 0, 0, 100, out, 0);
    expect(Math.round(out[1]!)).toBe(100);
    geoToScene(0, 90, 0.5, 100, out, 0);
    expect(out.map((x) => Math.round(x))).toEqual([150, 0, 0]);
  });

  it('crossing the antimeridian eastwards wraps to negative longitudes', () => {
    const p = offsetLatLon(0, 179.99, 90, 5000);
    expect(p.lon).toBeLessThan(-179.9);
  });

  it('property: an offset and the reverse offset return to the start', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: 0, max: 359, noNaN: true }),
        fc.double({ min: 0, max: 50_000, noNaN: true }),
        (lat, lon, b, d) => {
          const p = offsetLatLon(lat, lon, b, d);
          const back = offsetLatLon(p.lat, p.lon, b, -d);
          expect(angularDistanceDeg({ lat, lon }, back)).toBeLessThan(0.01);
        },
      ),
    );
  });
});
