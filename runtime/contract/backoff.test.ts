import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jitteredBackoffMs } from './backoff.ts';

describe('jittered backoff', () => {
  it('doubles per attempt within jitter and caps', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect(jitteredBackoffMs(0, 0, o)).toBe(50);
    expect(jitteredBackoffMs(0, 0.999999, o)).toBe(100);
    expect(jitteredBackoffMs(3, 0.999999, o)).toBe(800);
    expect(jitteredBackoffMs(50, 0.999999, o)).toBe(1000);
  });

  it('stays between half and all of the capped step, and never shrinks as attempts grow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 80 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100 }),
        (attempt, random, baseMs, capFactor) => {
          const o = { baseMs, maxMs: baseMs * capFactor };
          const step = Math.min(o.maxMs, baseMs * 2 ** Math.min(attempt, 30));
          const ms = jitteredBackoffMs(attempt, random, o);
          expect(ms).toBeGreaterThanOrEqual(Math.round(step / 2));
          expect(ms).toBeLessThanOrEqual(step);
          expect(jitteredBackoffMs(attempt + 1, random, o)).toBeGreaterThanOrEqual(ms);
        },
      ),
    );
  });
});
