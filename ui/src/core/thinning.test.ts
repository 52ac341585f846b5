import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseDrawn, type DrawSlots, MAX_DRAWN, rankThreshold, thinRank } from './thinning.ts';

/** n slots on a circle of unit vectors: slot i at angle i * step (x, y plane); all visible. */
function slots(n: number, opts: Partial<DrawSlots> = {}): DrawSlots {
  const unit = new Float32Array(n * 3);
  const rank = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    unit[i * 3] = Math.cos(a);
    unit[i * 3 + 1] = Math.sin(a);
    rank[i] = thinRank(`a${i.toString(16).padStart(5, '0')}`);
  }
  return {
    size: n,
    visible: new Uint8Array(n).fill(1),
    unit,
    always: new Uint8Array(n),
    rank,
    selected: -1,
    ...opts,
  };
}
const everywhere = { cx: 1, cy: 0, cz: 0, minDot: Number.NEGATIVE_INFINITY };

describe('thinning', () => {
  it('ranks are stable, in [0, 1) and spread evenly over similar ICAO24s', () => {
    expect(thinRank('4ca123')).toBe(thinRank('4ca123'));
    const below = Array.from({ length: 10_000 }, (_, i) => thinRank(`a${i.toString(16).padStart(5, '0')}`));
    expect(Math.min(...below)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...below)).toBeLessThan(1);
    // About a tenth under 0.1 (a poor hash of near-identical strings clusters).
    const share = below.filter((r) => r < 0.1).length / below.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });

  it('the rank threshold: 1 within the budget, else the bucket edge that fills it', () => {
    const counts = new Uint32Array(4).fill(10); // 40 ordinary aircraft, 10 per quarter of the ranks
    expect(rankThreshold(counts, 40, 0, 40)).toBe(1);
    expect(rankThreshold(counts, 40, 0, 25)).toBe(0.5); // 20 fit below 0.5; the next bucket would pass 25
    expect(rankThreshold(counts, 40, 5, 25)).toBe(0.5);
    expect(rankThreshold(counts, 40, 6, 25)).toBe(0.25);
    expect(rankThreshold(counts, 40, 30, 25)).toBe(0);
  });

  it('draws all when in budget; about the budget beyond it, emphasised and selected always', () => {
    const n = 15_000;
    const always = new Uint8Array(n);
    for (let i = 0; i < n; i += 1000) always[i] = 1; // 15 emergencies
    const s = slots(n, { always, selected: 4321 });
    const index = new Uint32Array(n);
    const drawn = new Uint8Array(n);
    const c = chooseDrawn(s, everywhere, index, drawn);
    expect(c.inView).toBe(n);
    // Short of the budget by less than one rank bucket (~15 aircraft at 15,000).
    expect(c.drawn).toBeGreaterThan(MAX_DRAWN - 40);
    expect(c.drawn).toBeLessThanOrEqual(MAX_DRAWN);
    for (let i = 0; i < n; i += 1000) expect(drawn[i]).toBe(1);
    expect(drawn[4321]).toBe(1);
    const small = slots(900);
    expect(chooseDrawn(small, everywhere, new Uint32Array(900), new Uint8Array(900)).drawn).toBe(900);
  });

  it('property: the index lists exactly the drawn slots, each visible and in view (or selected), never an emphasised one left out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 1500 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.integer({ min: -1, max: 2999 }),
        fc.integer({ min: 1, max: 97 }),
        (n, budget, minDot, selected, stride) => {
          const visible = new Uint8Array(n);
          const always = new Uint8Array(n);
          for (let i = 0; i < n; i++) {
            visible[i] = i % 7 === 3 ? 0 : 1;
            always[i] = i % stride === 0 ? 1 : 0;
          }
          const s = slots(n, { visible, always, selected: selected < n ? selected : -1 });
          const index = new Uint32Array(n);
          const drawn = new Uint8Array(n);
          const c = chooseDrawn(s, { cx: 1, cy: 0, cz: 0, minDot }, index, drawn, budget);
          const listed = new Set(index.subarray(0, c.drawn));
          expect(listed.size).toBe(c.drawn);
          let inView = 0;
          for (let i = 0; i < n; i++) {
            const seen = visible[i] === 1 && s.unit[i * 3]! >= minDot;
            if (seen) inView++;
            expect(drawn[i] === 1).toBe(listed.has(i));
            if (drawn[i] === 1) expect(visible[i]).toBe(1);
            if (drawn[i] === 1 && i !== s.selected) expect(seen).toBe(true);
            if (seen && (always[i] === 1 || i === s.selected)) expect(drawn[i]).toBe(1);
          }
          expect(c.inView).toBe(inView);
          // Never over the budget unless the always-drawn alone pass it (+1: a selected one out of view).
          let alwaysIn = 0;
          for (let i = 0; i < n; i++)
            if (visible[i] === 1 && s.unit[i * 3]! >= minDot && (always[i] === 1 || i === s.selected))
              alwaysIn++;
          expect(c.drawn).toBeLessThanOrEqual(Math.max(budget, alwaysIn) + 1);
          if (inView <= budget) {
            // Nothing thinned: every aircraft in view is drawn.
            for (let i = 0; i < n; i++)
              if (visible[i] === 1 && s.unit[i * 3]! >= minDot) expect(drawn[i]).toBe(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('zooming in (fewer in view) only adds aircraft among those still in view', () => {
    const n = 8000;
    const s = slots(n);
    const wide = new Uint8Array(n);
    const narrow = new Uint8Array(n);
    chooseDrawn(s, { cx: 1, cy: 0, cz: 0, minDot: -0.5 }, new Uint32Array(n), wide);
    chooseDrawn(s, { cx: 1, cy: 0, cz: 0, minDot: 0.5 }, new Uint32Array(n), narrow);
    for (let i = 0; i < n; i++) if (wide[i] === 1 && s.unit[i * 3]! >= 0.5) expect(narrow[i]).toBe(1);
  });
});
