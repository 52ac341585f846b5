import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALT, AltitudeGate } from './altitude-gate.ts';
import { DETECTOR_DEFAULTS } from './defaults.ts';

const T0 = 1_700_000_000_000;
const gate = () => new AltitudeGate(DETECTOR_DEFAULTS);

describe('AltitudeGate', () => {
  it('drops one bogus sample (FL470 in cruise at FL350) and keeps the track', () => {
    const g = gate();
    expect(g.check(10_668, T0)).toBe(ALT.OK);
    expect(g.check(14_326, T0 + 5_000)).toBe(ALT.IMPLAUSIBLE);
    expect(g.check(10_668, T0 + 10_000)).toBe(ALT.OK);
    expect(g.check(10_660, T0 + 15_000)).toBe(ALT.OK);
  });

  it('drops a field flipping between two values thousands of feet apart, every time', () => {
    const g = gate();
    const codes: number[] = [];
    for (let k = 0; k < 20; k++) codes.push(g.check(k % 2 === 0 ? 3_000 : 4_600, T0 + k * 5_000));
    expect(codes.filter((c) => c === ALT.IMPLAUSIBLE)).toHaveLength(10);
    expect(codes.filter((c) => c === ALT.JUMP)).toHaveLength(0);
  });

  it('takes a new level confirmed by the next report as a jump', () => {
    const g = gate();
    g.check(3_000, T0);
    expect(g.check(6_000, T0 + 5_000)).toBe(ALT.IMPLAUSIBLE);
    expect(g.check(6_010, T0 + 10_000)).toBe(ALT.JUMP);
    expect(g.check(6_000, T0 + 15_000)).toBe(ALT.OK);
  });

  it('never drops a trajectory within the vertical rate limit (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 12_000, noNaN: true }),
        fc.array(
          fc.record({
            dtS: fc.double({ min: 0.5, max: 30, noNaN: true }),
            v: fc.double({ min: -100, max: 100, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (alt0, steps) => {
          const g = gate();
          let t = T0;
          let alt = alt0;
          expect(g.check(alt, t)).toBe(ALT.OK);
          for (const { dtS, v } of steps) {
            t += Math.round(dtS * 1000);
            alt += (v * Math.round(dtS * 1000)) / 1000;
            expect(g.check(alt, t)).toBe(ALT.OK);
          }
        },
      ),
    );
  });
});
