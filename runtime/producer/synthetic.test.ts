import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEnvelope } from '../contract/validate.ts';
import { bearing, destination, SyntheticFleet } from './synthetic.ts';

const NYC = [-75.5, 39.8, -72.0, 41.6] as const;

const distanceM = (lat1: number, lon1: number, lat2: number, lon2: number) => {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
};

describe('synthetic traffic', () => {
  it('destination and bearing agree (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: 0, max: 359.9, noNaN: true }),
        fc.double({ min: 100, max: 50_000, noNaN: true }),
        (lat, lon, brg, d) => {
          const [lat2, lon2] = destination(lat, lon, brg, d);
          expect(distanceM(lat, lon, lat2, lon2)).toBeCloseTo(d, 0);
          const back = bearing(lat, lon, lat2, lon2);
          expect(Math.abs(((back - brg + 540) % 360) - 180)).toBeLessThan(0.01);
        },
      ),
    );
  });

  it('every envelope is valid, ts increases and motion is physical over 10 simulated minutes', () => {
    const fleet = new SyntheticFleet({ aircraft: 20, bbox: NYC, seed: 3 });
    const t0Ms = Date.UTC(2026, 0, 1); // inside the contract's [2000, 2100)
    let prev = fleet.step(1, t0Ms + 1_000);
    for (let t = 2; t <= 600; t++) {
      const cur = fleet.step(1, t0Ms + t * 1000);
      for (let i = 0; i < cur.length; i++) {
        const a = prev[i]!;
        const b = cur[i]!;
        expect(validateEnvelope(b).ok).toBe(true);
        expect(b.ts).toBeGreaterThan(a.ts);
        const speed = distanceM(a.lat, a.lon, b.lat, b.lon) / ((b.ts - a.ts) / 1000);
        expect(speed).toBeLessThan(260); // at most its own speed, far below Mach 3.5
        expect(Math.abs(b.baro_alt_m! - a.baro_alt_m!)).toBeLessThanOrEqual(10.1);
        const turn = Math.abs(((b.track_deg! - a.track_deg! + 540) % 360) - 180);
        expect(turn).toBeLessThanOrEqual(3.01);
      }
      prev = cur;
    }
    // Aircraft stay near the box (they turn back when they leave it).
    for (const e of prev) {
      expect(e.lat).toBeGreaterThan(NYC[1] - 1.5);
      expect(e.lat).toBeLessThan(NYC[3] + 1.5);
    }
    expect(new Set(prev.map((e) => e.icao24)).size).toBe(20);
  });
});
