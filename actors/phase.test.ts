import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { airbornePhase, PHASE, phaseStrength } from './phase.ts';

describe('flight phase (fuzzy, with hysteresis)', () => {
  it('names the clear cases', () => {
    expect(airbornePhase(PHASE.UNKNOWN, 1_500, 8)).toBe(PHASE.CLIMB);
    expect(airbornePhase(PHASE.UNKNOWN, 9_000, -12)).toBe(PHASE.DESCENT);
    expect(airbornePhase(PHASE.UNKNOWN, 3_000, 0.3)).toBe(PHASE.LEVEL);
    expect(airbornePhase(PHASE.UNKNOWN, 11_000, -0.3)).toBe(PHASE.CRUISE);
  });

  it('keeps the phase while the vertical rate hovers at a boundary (no flip per report)', () => {
    let p = airbornePhase(PHASE.UNKNOWN, 3_000, -3);
    expect(p).toBe(PHASE.DESCENT);
    for (const v of [-2.6, -2.9, -2.5, -2.8, -2.6]) {
      p = airbornePhase(p, 3_000, v);
      expect(p).toBe(PHASE.DESCENT);
    }
    p = airbornePhase(p, 3_000, -0.5); // clearly level now
    expect(p).toBe(PHASE.LEVEL);
  });

  it('without a vertical rate keeps the airborne phase it had (level when none)', () => {
    expect(airbornePhase(PHASE.CLIMB, 2_000, Number.NaN)).toBe(PHASE.CLIMB);
    expect(airbornePhase(PHASE.GROUND, Number.NaN, Number.NaN)).toBe(PHASE.LEVEL);
  });

  it('is always an airborne phase, and a rate beyond 4 m/s either way is climb or descent, whatever came before (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PHASE.UNKNOWN, PHASE.GROUND, PHASE.CLIMB, PHASE.DESCENT, PHASE.LEVEL, PHASE.CRUISE),
        fc.double({ min: -500, max: 15_000, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        (prev, alt, v) => {
          const p = airbornePhase(prev, alt, v);
          expect(p).toBeGreaterThanOrEqual(PHASE.CLIMB);
          expect(p).toBeLessThanOrEqual(PHASE.CRUISE);
          if (v >= 4) expect(p).toBe(PHASE.CLIMB);
          if (v <= -4) expect(p).toBe(PHASE.DESCENT);
          for (const q of [PHASE.CLIMB, PHASE.DESCENT, PHASE.LEVEL, PHASE.CRUISE] as const) {
            const s = phaseStrength(q, alt, v);
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });
});
