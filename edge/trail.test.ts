import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendTrail, type TrailPoint } from './trail.ts';

describe('appendTrail', () => {
  it('ignores a point not newer than the last', () => {
    const t: TrailPoint[] = [];
    appendTrail(t, [1000, 1, 2, 3], { maxPoints: 10, maxAgeMs: 60_000 });
    appendTrail(t, [1000, 5, 5, 5], { maxPoints: 10, maxAgeMs: 60_000 });
    appendTrail(t, [900, 5, 5, 5], { maxPoints: 10, maxAgeMs: 60_000 });
    expect(t).toEqual([[1000, 1, 2, 3]]);
  });

  it('keeps at most maxPoints, none older than maxAgeMs, in ts order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }), (steps) => {
        const limits = { maxPoints: 20, maxAgeMs: 10_000 };
        const t: TrailPoint[] = [];
        let ts = 0;
        for (const s of steps) {
          ts += s;
          appendTrail(t, [ts, 0, 0, null], limits);
        }
        if (t.length > limits.maxPoints) return false;
        for (let i = 1; i < t.length; i++) if (t[i][0] <= t[i - 1][0]) return false;
        const newest = t[t.length - 1]?.[0] ?? 0;
        return t.every((p) => p[0] >= newest - limits.maxAgeMs);
      }),
    );
  });
});
