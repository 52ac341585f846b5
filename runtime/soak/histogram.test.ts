import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';

const exactQuantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(q * s.length) - 1)]!;
};

describe('LatencyHistogram', () => {
  it('quantiles are within 2% above the exact value (or capped at the max)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1.5, max: 600_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9, 0.99, 1),
        (xs, q) => {
          const h = new LatencyHistogram();
          for (const x of xs) h.add(x);
          const exact = exactQuantile(xs, q);
          const got = h.quantile(q) as number;
          expect(got).toBeGreaterThanOrEqual(exact * 0.9999);
          expect(got).toBeLessThanOrEqual(exact * 1.0201);
        },
      ),
    );
  });

  it('merging the data of two histograms equals adding every sample to one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).add(i * 3.7);
      all.add(i * 3.7);
    }
    const merged = new LatencyHistogram();
    merged.merge(a.data(), a.maxMs);
    merged.merge(b.data(), b.maxMs);
    expect(merged.count).toBe(1000);
    for (const q of [0.5, 0.99]) expect(merged.quantile(q)).toBe(all.quantile(q));
  });

  it('is empty without samples; sub-millisecond values fall in the first bucket', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.99)).toBeNull();
    h.add(0.2);
    h.add(-5); // a clock step backwards: counted, never a crash
    expect(h.count).toBe(2);
    expect(h.quantile(1)).toBeLessThanOrEqual(1.02);
  });
});
