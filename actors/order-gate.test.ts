import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETECTOR_DEFAULTS } from './defaults.ts';
import { fastDistM } from './geo.ts';
import { GATE, OrderGate } from './order-gate.ts';

const T0 = 1_700_000_000_000;
const gate = () => new OrderGate(DETECTOR_DEFAULTS);

describe('OrderGate', () => {
  it('accepts increasing timestamps and rejects equal (duplicate) and older (out_of_order) ones', () => {
    const g = gate();
    expect(g.check(T0, 40, -73)).toBe(GATE.ACCEPTED);
    expect(g.check(T0 + 5_000, 40.01, -73)).toBe(GATE.ACCEPTED);
    expect(g.check(T0 + 5_000, 40.01, -73)).toBe(GATE.DUPLICATE);
    expect(g.check(T0 + 1_000, 40.0, -73)).toBe(GATE.OUT_OF_ORDER);
    expect(g.lastTsMs).toBe(T0 + 5_000);
  });

  it('drops a fix implying more than Mach 3.5 and more than 5 km', () => {
    const g = gate();
    g.check(T0, 40, -73);
    // 1 degree of latitude (111 km) in 10 s: 11 km/s.
    expect(g.check(T0 + 10_000, 41, -73)).toBe(GATE.IMPLAUSIBLE);
    expect(g.lastTsMs).toBe(T0);
    expect(g.check(T0 + 20_000, 40.02, -73)).toBe(GATE.ACCEPTED);
  });

  it('lets a fast but short jump through (under 5 km is noise, not a teleport)', () => {
    const g = gate();
    g.check(T0, 40, -73);
    expect(g.check(T0 + 1_000, 40.04, -73)).toBe(GATE.ACCEPTED); // 4.4 km in 1 s
  });

  it('accepts a fast jet just under Mach 3.5', () => {
    const g = gate();
    g.check(T0, 0, 0);
    const degPerS = 1_150 / 111_195;
    expect(g.check(T0 + 60_000, 60 * degPerS, 0)).toBe(GATE.ACCEPTED);
  });

  it('resets the track to three consecutive fixes that agree with each other (the old fix was the outlier)', () => {
    const g = gate();
    g.check(T0, 10, 10); // a bad first fix
    expect(g.check(T0 + 5_000, 40, -73)).toBe(GATE.IMPLAUSIBLE);
    expect(g.check(T0 + 10_000, 40.005, -73)).toBe(GATE.IMPLAUSIBLE);
    expect(g.check(T0 + 15_000, 40.01, -73)).toBe(GATE.RESET);
    expect(g.lastLat).toBe(40.01);
    expect(g.check(T0 + 20_000, 40.015, -73)).toBe(GATE.ACCEPTED);
  });

  it('does not reset on three outliers that disagree with each other', () => {
    const g = gate();
    g.check(T0, 40, -73);
    expect(g.check(T0 + 5_000, 10, 10)).toBe(GATE.IMPLAUSIBLE);
    expect(g.check(T0 + 10_000, -10, 50)).toBe(GATE.IMPLAUSIBLE);
    expect(g.check(T0 + 15_000, 60, 100)).toBe(GATE.IMPLAUSIBLE);
    expect(g.lastLat).toBe(40);
  });

  it('needs the three agreeing outliers to be consecutive: a good fix in between restarts the count', () => {
    const g = gate();
    g.check(T0, 40, -73);
    g.check(T0 + 5_000, 10, 10);
    g.check(T0 + 10_000, 10.001, 10);
    expect(g.check(T0 + 15_000, 40.01, -73)).toBe(GATE.ACCEPTED);
    expect(g.check(T0 + 20_000, 10.002, 10)).toBe(GATE.IMPLAUSIBLE);
    expect(g.check(T0 + 25_000, 10.003, 10)).toBe(GATE.IMPLAUSIBLE);
    expect(g.check(T0 + 30_000, 10.004, 10)).toBe(GATE.RESET);
  });

  it('calls the same position at a later time stale when the aircraft moves, a fix when it stands still', () => {
    const g = gate();
    expect(g.check(T0, 41, -73)).toBe(GATE.ACCEPTED);
    expect(g.check(T0 + 5_000, 41, -73)).toBe(GATE.STALE);
    expect(g.check(T0 + 10_000, 41, -73, false)).toBe(GATE.ACCEPTED); // parked on the ground
    expect(g.check(T0 + 15_000, 41.001, -73)).toBe(GATE.ACCEPTED);
    expect(g.check(T0 + 15_000, 41.001, -73)).toBe(GATE.DUPLICATE);
  });

  it('never accepts a timestamp at or below the last accepted one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dtMs: fc.integer({ min: -60_000, max: 60_000 }),
            lat: fc.double({ min: -90, max: 90, noNaN: true }),
            lon: fc.double({ min: -180, max: 180, noNaN: true }),
          }),
          { maxLength: 80 },
        ),
        (fixes) => {
          const g = gate();
          let ts = T0;
          for (const f of fixes) {
            ts += f.dtMs;
            const before = g.lastTsMs;
            const code = g.check(ts, f.lat, f.lon);
            if (code === GATE.ACCEPTED || code === GATE.RESET) {
              expect(ts).toBeGreaterThan(before);
              expect(g.lastTsMs).toBe(ts);
            } else expect(g.lastTsMs).toBe(before);
          }
        },
      ),
    );
  });

  it('decides a second fix exactly as the distance against max(5 km, Mach 3.5 x dt) says, anywhere', () => {
    const { implausibleMinDistM, maxSpeedMs } = DETECTOR_DEFAULTS;
    fc.assert(
      fc.property(
        fc.double({ min: -89, max: 89, noNaN: true }),
        fc.double({ min: -180, max: 179.999, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.double({ min: -0.8, max: 0.8, noNaN: true }),
        fc.integer({ min: 1, max: 120_000 }),
        (lat, lon, dLat, dLon, dtMs) => {
          const g = gate();
          g.check(T0, lat, lon);
          const lat1 = Math.max(-90, Math.min(90, lat + dLat));
          const lon1 = lon + dLon >= 180 ? lon + dLon - 360 : lon + dLon; // across the antimeridian too
          const within =
            fastDistM(lat, lon, lat1, lon1) <= Math.max(implausibleMinDistM, (maxSpeedMs * dtMs) / 1000);
          const same = lat1 === lat && lon1 === lon;
          expect(g.check(T0 + dtMs, lat1, lon1)).toBe(
            same ? GATE.STALE : within ? GATE.ACCEPTED : GATE.IMPLAUSIBLE,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
