import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AircraftCore } from './aircraft.ts';
import { AirportIndex, type AirportRef, NearestAirportCache, type NearestTwo } from './airports.ts';
import { DETECTOR_DEFAULTS } from './defaults.ts';
import { haversineM } from './geo.ts';
import { flight } from './scenario.ts';

const index = AirportIndex.fromGeoJSON(
  readFileSync(new URL('../fixtures/airports.geojson', import.meta.url), 'utf8'),
);

function linearNearest(airports: readonly AirportRef[], lat: number, lon: number, radiusM: number) {
  let best: AirportRef | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const a of airports) {
    const d = haversineM(lat, lon, a.lat, a.lon);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= radiusM ? best : null;
}

describe('AirportIndex', () => {
  it('finds JFK from over Jamaica Bay with its elevation, and KDEN at 1,655 m', () => {
    const [jfk] = index.nearest(40.62, -73.8, 1, 50_000);
    expect(jfk.airport.ident).toBe('KJFK');
    expect(jfk.distM).toBeLessThan(5_000);
    const [den] = index.nearest(39.86, -104.67, 1, 50_000);
    expect(den.airport.ident).toBe('KDEN');
    expect(den.airport.elevationM).toBeCloseTo(1655.4, 1);
  });

  it('returns nothing beyond the radius (mid-Atlantic)', () => {
    expect(index.nearest(35, -40, 1, 50_000)).toEqual([]);
  });

  it('agrees with a linear scan (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 70, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (lat, lon) => {
          const hit = index.nearest(lat, lon, 1, 50_000)[0]?.airport ?? null;
          const want = linearNearest(index.airports, lat, lon, 50_000);
          expect(hit?.ident ?? null).toBe(want?.ident ?? null);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('AirportIndex.nearestTwo', () => {
  it('finds airports across the antimeridian and near the poles (property, against a linear scan)', () => {
    const airports: AirportRef[] = [
      { ident: 'EAST', lat: 10, lon: 179.8, elevationM: 0 },
      { ident: 'WEST', lat: 10, lon: -179.7, elevationM: 0 },
      { ident: 'POLE', lat: 89.8, lon: 40, elevationM: 0 },
      { ident: 'ZERO', lat: 0, lon: 0, elevationM: null },
    ];
    const small = new AirportIndex(airports);
    const out = { first: -1, firstM: 0, second: -1, secondM: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(
            fc.double({ min: 9, max: 11, noNaN: true }),
            fc.double({ min: 179, max: 180, noNaN: true }),
          ),
          fc.tuple(
            fc.double({ min: 9, max: 11, noNaN: true }),
            fc.double({ min: -180, max: -179, noNaN: true }),
          ),
          fc.tuple(
            fc.double({ min: 89, max: 90, noNaN: true }),
            fc.double({ min: -180, max: 180, noNaN: true }),
          ),
        ),
        ([lat, lon]) => {
          small.nearestTwo(lat, lon, 75_000, out);
          const want = linearNearest(airports, lat, lon, 75_000);
          expect(out.first < 0 ? null : airports[out.first].ident).toBe(want?.ident ?? null);
        },
      ),
    );
  });
});

describe('NearestAirportCache', () => {
  it('gives the same answer as a fresh search on every step of random walks over dense airspace', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 39.5, max: 41.5, noNaN: true }),
        fc.double({ min: -75, max: -72.5, noNaN: true }),
        fc.array(
          fc.tuple(
            fc.double({ min: -0.05, max: 0.05, noNaN: true }),
            fc.double({ min: -0.05, max: 0.05, noNaN: true }),
          ),
          {
            maxLength: 60,
          },
        ),
        (lat0, lon0, steps) => {
          const cache = new NearestAirportCache(index, 20_000);
          let lat = lat0;
          let lon = lon0;
          for (const [dLat, dLon] of steps) {
            lat += dLat;
            lon += dLon;
            cache.at(lat, lon);
            expect(cache.airport?.ident ?? null).toBe(
              linearNearest(index.airports, lat, lon, 20_000)?.ident ?? null,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays exact when asked only now and then (the machines ask only when they need an airport)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 39.5, max: 41.5, noNaN: true }),
        fc.double({ min: -75, max: -72.5, noNaN: true }),
        fc.array(
          fc.tuple(
            fc.double({ min: -0.05, max: 0.05, noNaN: true }),
            fc.double({ min: -0.05, max: 0.05, noNaN: true }),
            fc.boolean(),
          ),
          { maxLength: 60 },
        ),
        (lat0, lon0, steps) => {
          const cache = new NearestAirportCache(index, 20_000);
          let lat = lat0;
          let lon = lon0;
          for (const [dLat, dLon, ask] of steps) {
            lat += dLat;
            lon += dLon;
            if (!ask) continue;
            cache.at(lat, lon);
            expect(cache.airport?.ident ?? null).toBe(
              linearNearest(index.airports, lat, lon, 20_000)?.ident ?? null,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('knows the highest airport elevation (above it, no airport needs looking up)', () => {
    const highest = Math.max(...index.airports.map((a) => a.elevationM ?? 0));
    expect(index.maxElevationM).toBe(highest);
    expect(highest).toBeGreaterThan(4_000);
    expect(new AirportIndex([]).maxElevationM).toBe(0);
  });
});

describe('airport lookups per update', () => {
  /** Counts kd-tree searches. */
  class CountingIndex extends AirportIndex {
    searches = 0;
    override nearestTwo(lat: number, lon: number, maxDistM: number, out: NearestTwo): void {
      this.searches++;
      super.nearestTwo(lat, lon, maxDistM, out);
    }
  }
  const counting = () => new CountingIndex(index.airports);
  const run = (idx: AirportIndex, envs: ReturnType<typeof flight>) => {
    const core = new AircraftCore(envs[0].icao24, DETECTOR_DEFAULTS, idx);
    for (const e of envs) core.update(e);
    return core;
  };

  it('none for cruise and level flight over dense airspace (JFK area)', () => {
    const idx = counting();
    run(
      idx,
      flight('af0001', { lat: 40.7, lon: -73.6, altM: 10_000, speedMs: 230, trackDeg: 250 }, [
        { durationS: 600 },
      ]),
    );
    run(
      idx,
      flight('af0002', { lat: 40.7, lon: -73.6, altM: 900, speedMs: 120, trackDeg: 250 }, [
        { durationS: 300 },
      ]),
    );
    expect(idx.searches).toBe(0);
  });

  it('some for a low descent near JFK (an approach needs its airport)', () => {
    const idx = counting();
    run(
      idx,
      flight('af0003', { lat: 40.64, lon: -73.55, altM: 900, speedMs: 80, trackDeg: 270 }, [
        { durationS: 120, vrateMs: -5 },
      ]),
    );
    expect(idx.searches).toBeGreaterThan(0);
  });
});
