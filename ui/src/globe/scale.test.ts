import { describe, expect, it } from 'vitest';
import { pointScaleForAltitude, relAltitude } from './scale.ts';

describe('globe scale', () => {
  it('point size shrinks monotonically from close up to far out, within [0.6, 3.2]', () => {
    expect(pointScaleForAltitude(0.05)).toBe(3.2);
    expect(pointScaleForAltitude(0.5)).toBeCloseTo(1.2, 9);
    expect(pointScaleForAltitude(3)).toBe(0.6);
    let prev = 3.2;
    for (let a = 0.05; a <= 2; a += 0.05) {
      const s = pointScaleForAltitude(a);
      expect(s).toBeLessThanOrEqual(prev);
      prev = s;
    }
  });

  it('altitude is exaggerated but never below the surface lift', () => {
    expect(relAltitude(null)).toBe(relAltitude(0));
    expect(relAltitude(-100)).toBe(relAltitude(0));
    expect(relAltitude(10_000)).toBeGreaterThan(relAltitude(1_000));
  });
});
