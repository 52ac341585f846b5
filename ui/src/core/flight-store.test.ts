import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleIcao24 as icaoOf, sampleTrack } from '../../../runtime/contract/sample.ts';
import { applyDelta, applySnapshot, createFlightStore, invalidate } from './flight-store.ts';

describe('flight store', () => {
  it('a snapshot replaces the board and reports who left', () => {
    const s = createFlightStore();
    applySnapshot(s, {
      seq: 1,
      ts: 10,
      flights: [sampleTrack('aaaaaa'), sampleTrack('bbbbbb')],
    });
    const gone = applySnapshot(s, { seq: 7, ts: 20, flights: [sampleTrack('bbbbbb')] });
    expect(gone).toEqual(['aaaaaa']);
    expect([...s.flights.keys()]).toEqual(['bbbbbb']);
    expect(s.seq).toBe(7);
    expect(s.ts).toBe(20);
  });

  it('applies consecutive deltas: upserts replace, removes delete', () => {
    const s = createFlightStore();
    applySnapshot(s, { seq: 1, ts: 0, flights: [sampleTrack('aaaaaa', { alt_m: 100 })] });
    const r = applyDelta(s, {
      seq: 2,
      ts: 250,
      upserts: [sampleTrack('aaaaaa', { alt_m: 200 }), sampleTrack('cccccc')],
      removes: [],
    });
    expect(r.kind).toBe('applied');
    expect(s.flights.get('aaaaaa')!.alt_m).toBe(200);
    const r2 = applyDelta(s, { seq: 3, ts: 500, upserts: [], removes: ['aaaaaa', 'ffffff'] });
    // An unknown remove is not reported as removed.
    expect(r2).toEqual({ kind: 'applied', upserts: [], removes: ['aaaaaa'] });
    expect([...s.flights.keys()]).toEqual(['cccccc']);
  });

  it('a seq gap reports the gap and ignores deltas until the next snapshot', () => {
    const s = createFlightStore();
    applySnapshot(s, { seq: 4, ts: 0, flights: [] });
    expect(applyDelta(s, { seq: 6, ts: 1, upserts: [sampleTrack('abc123')], removes: [] })).toEqual({
      kind: 'gap',
      expected: 5,
      got: 6,
    });
    expect(s.flights.size).toBe(0);
    expect(applyDelta(s, { seq: 7, ts: 2, upserts: [sampleTrack('abc123')], removes: [] }).kind).toBe(
      'ignored',
    );
    applySnapshot(s, { seq: 8, ts: 3, flights: [] });
    expect(applyDelta(s, { seq: 9, ts: 4, upserts: [sampleTrack('abc123')], removes: [] }).kind).toBe(
      'applied',
    );
  });

  it('ignores deltas before any snapshot, old frames, and after invalidate', () => {
    const s = createFlightStore();
    expect(applyDelta(s, { seq: 1, ts: 0, upserts: [sampleTrack('abc123')], removes: [] }).kind).toBe(
      'ignored',
    );
    applySnapshot(s, { seq: 5, ts: 0, flights: [] });
    expect(applyDelta(s, { seq: 5, ts: 0, upserts: [sampleTrack('abc123')], removes: [] }).kind).toBe(
      'ignored',
    );
    invalidate(s);
    expect(applyDelta(s, { seq: 6, ts: 0, upserts: [sampleTrack('abc123')], removes: [] }).kind).toBe(
      'ignored',
    );
    expect(s.flights.size).toBe(0);
  });

  it('property: snapshot + in-order deltas equal a model map', () => {
    const op = fc.record({
      ups: fc.array(
        fc.record({ id: fc.integer({ min: 0, max: 30 }), alt: fc.integer({ min: 0, max: 12000 }) }),
        {
          maxLength: 8,
        },
      ),
      rems: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const s = createFlightStore();
        const model = new Map<string, number>();
        applySnapshot(s, { seq: 0, ts: 0, flights: [] });
        ops.forEach((o, i) => {
          const upserts = o.ups.map((u) => sampleTrack(icaoOf(u.id), { alt_m: u.alt }));
          const removes = o.rems.map(icaoOf);
          const r = applyDelta(s, { seq: i + 1, ts: i, upserts, removes });
          expect(r.kind).toBe('applied');
          for (const u of upserts) model.set(u.icao24, u.alt_m!);
          for (const id of removes) model.delete(id);
        });
        expect(s.flights.size).toBe(model.size);
        for (const [id, alt] of model) expect(s.flights.get(id)!.alt_m).toBe(alt);
      }),
    );
  });
});
