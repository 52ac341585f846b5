import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleIcao24 as icaoOf, sampleTrack } from '../../../runtime/contract/sample.ts';
import { DeltaCoalescer } from './delta-coalescer.ts';
import { applyDelta, applySnapshot, createFlightStore } from './flight-store.ts';

describe('delta coalescer', () => {
  it('merges deltas: the last upsert wins, a later remove cancels an upsert and vice versa', () => {
    const c = new DeltaCoalescer();
    c.snapshot(10);
    c.push({ seq: 11, ts: 1, upserts: [sampleTrack('aaaaaa', { alt_m: 1 })], removes: ['bbbbbb'] });
    c.push({
      seq: 12,
      ts: 2,
      upserts: [sampleTrack('aaaaaa', { alt_m: 2 }), sampleTrack('bbbbbb')],
      removes: [],
    });
    c.push({ seq: 13, ts: 3, upserts: [], removes: ['cccccc'] });
    const b = c.take()!;
    expect([b.fromSeq, b.seq, b.ts]).toEqual([11, 13, 3]);
    expect(b.upserts.map((t) => [t.icao24, t.alt_m])).toEqual([
      ['aaaaaa', 2],
      ['bbbbbb', 3000],
    ]);
    expect(b.removes).toEqual(['cccccc']);
    expect(c.take()).toBeNull();
  });

  it('reports a gap, drops what was pending, and waits for a snapshot', () => {
    const c = new DeltaCoalescer();
    expect(c.push({ seq: 1, ts: 0, upserts: [], removes: [] })).toBe('ignored');
    c.snapshot(1);
    c.push({ seq: 2, ts: 0, upserts: [sampleTrack('abc123')], removes: [] });
    expect(c.push({ seq: 4, ts: 0, upserts: [], removes: [] })).toBe('gap');
    expect(c.take()).toBeNull();
    expect(c.push({ seq: 5, ts: 0, upserts: [], removes: [] })).toBe('ignored');
  });

  it('property: applying the merged batch equals applying every delta', () => {
    const op = fc.record({
      ups: fc.array(
        fc.record({ id: fc.integer({ min: 0, max: 20 }), alt: fc.integer({ min: 0, max: 12000 }) }),
        {
          maxLength: 6,
        },
      ),
      rems: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (ops, every) => {
          const one = createFlightStore();
          const merged = createFlightStore();
          applySnapshot(one, { seq: 0, ts: 0, flights: [] });
          applySnapshot(merged, { seq: 0, ts: 0, flights: [] });
          const c = new DeltaCoalescer();
          c.snapshot(0);
          ops.forEach((o, i) => {
            const d = {
              seq: i + 1,
              ts: i,
              upserts: o.ups.map((u) => sampleTrack(icaoOf(u.id), { alt_m: u.alt })),
              removes: o.rems.map(icaoOf),
            };
            applyDelta(one, d);
            expect(c.push(d)).toBe('ok');
            if ((i + 1) % every === 0) expect(applyDelta(merged, c.take()!).kind).toBe('applied');
          });
          const rest = c.take();
          if (rest) applyDelta(merged, rest);
          expect(merged.seq).toBe(one.seq);
          expect([...merged.flights.entries()].sort()).toEqual([...one.flights.entries()].sort());
        },
      ),
    );
  });
});
