import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleIcao24 as icaoOf, sampleTrack } from '../../../runtime/contract/sample.ts';
import { SlotTable } from './slot-table.ts';

describe('slot table', () => {
  it('swap-removes: the last aircraft moves into the hole', () => {
    const t = new SlotTable();
    for (const id of ['aaaaaa', 'bbbbbb', 'cccccc']) t.upsert(sampleTrack(id), true);
    expect(t.remove('aaaaaa')).toEqual({ slot: 0, from: 2 });
    expect(t.slotOf('cccccc')).toBe(0);
    expect(t.tracks.map((x) => x.icao24)).toEqual(['cccccc', 'bbbbbb']);
    expect(t.remove('bbbbbb')).toEqual({ slot: 1, from: 1 });
    expect(t.remove('zzzzzz')).toBeNull();
    expect(t.visibleCount).toBe(1);
  });

  it('property: slots stay dense and the visible count matches the flags', () => {
    const op = fc.oneof(
      fc.record({ up: fc.integer({ min: 0, max: 2000 }), vis: fc.boolean() }),
      fc.record({ rm: fc.integer({ min: 0, max: 2000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const t = new SlotTable();
        const model = new Map<string, boolean>();
        for (const o of ops) {
          if ('up' in o) {
            t.upsert(sampleTrack(icaoOf(o.up)), o.vis);
            model.set(icaoOf(o.up), o.vis);
          } else {
            t.remove(icaoOf(o.rm));
            model.delete(icaoOf(o.rm));
          }
        }
        expect(t.size).toBe(model.size);
        expect(t.visibleCount).toBe([...model.values()].filter(Boolean).length);
        t.tracks.forEach((tr, i) => {
          expect(t.slotOf(tr.icao24)).toBe(i);
          expect(t.visible[i] === 1).toBe(model.get(tr.icao24));
        });
      }),
      { numRuns: 50 },
    );
  });
});
