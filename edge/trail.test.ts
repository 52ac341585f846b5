import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Trail } from './trail.ts';

describe('Trail', () => {
  it('ignores a point not newer than the last by minSpacingMs; keeps a null altitude', () => {
    const t = new Trail({ maxPoints: 10, maxAgeMs: 60_000, minSpacingMs: 1000 });
    t.push(1000, 1, 2, null);
    t.push(1500, 5, 5, 5);
    t.push(900, 5, 5, 5);
    t.push(2000, 3, 4, 5);
    expect(t.points()).toEqual([
      [1000, 1, 2, null],
      [2000, 3, 4, 5],
    ]);
  });

  it('keeps at most maxPoints, none older than maxAgeMs, in ts order, the newest always (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }),
        fc.nat(3000),
        (steps, spacing) => {
          const limits = { maxPoints: 20, maxAgeMs: 10_000, minSpacingMs: spacing };
          const t = new Trail(limits);
          const model: number[] = [];
          let ts = 0;
          for (const s of steps) {
            ts += s;
            t.push(ts, ts / 1000, 0, 1);
            const last = model[model.length - 1];
            if (last === undefined || ts >= last + Math.max(1, spacing)) model.push(ts);
            while (model.length > limits.maxPoints) model.shift();
            while (model.length > 1 && model[0] < model[model.length - 1] - limits.maxAgeMs) model.shift();
          }
          expect(t.points().map((p) => p[0])).toEqual(model);
          expect(t.length).toBe(model.length);
        },
      ),
    );
  });
});
