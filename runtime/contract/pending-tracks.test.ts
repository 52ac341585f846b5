import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingTracks } from './pending-tracks.ts';
import type { TrackSource } from './ports.ts';
import type { Track } from './track.ts';

/** A source whose Track carries a version, counting how often it is built. */
function source(icao24: string) {
  const s = {
    icao24,
    boardMark: 0,
    version: 0,
    builds: 0,
    track(): Track {
      s.builds++;
      return { icao24, ts: s.version } as Track;
    },
  };
  return s;
}

function taken(p: PendingTracks): Track[] {
  const out: Track[] = [];
  p.take((t) => out.push(t));
  return out;
}

describe('PendingTracks', () => {
  it('builds a Track once per period however often the aircraft changed, with its latest state', () => {
    const p = new PendingTracks();
    const a = source('aaaaaa');
    for (let v = 1; v <= 5; v++) {
      a.version = v;
      p.changed(a);
    }
    expect(p.size).toBe(1);
    expect(taken(p)).toEqual([{ icao24: 'aaaaaa', ts: 5 }]);
    expect(a.builds).toBe(1);
    expect(taken(p)).toEqual([]); // nothing changed since
    p.changed(a); // a new period: noted again
    expect(taken(p).map((t) => t.icao24)).toEqual(['aaaaaa']);
  });

  it('drops changes noted before an upsert or removal, not those noted after', () => {
    const p = new PendingTracks();
    const a = source('aaaaaa');
    const b = source('bbbbbb');
    p.changed(a);
    p.changed(b);
    p.overridden('aaaaaa');
    expect(taken(p).map((t) => t.icao24)).toEqual(['bbbbbb']);
    p.changed(a);
    p.overridden('aaaaaa');
    p.changed(a); // after the override: counts, though already noted this period
    expect(taken(p).map((t) => t.icao24)).toEqual(['aaaaaa']);
  });

  it('two boards fed the same sources each get every changed aircraft', () => {
    const edge = new PendingTracks();
    const publisher = new PendingTracks();
    const sources = ['aaaaaa', 'bbbbbb', 'cccccc'].map(source);
    for (let round = 0; round < 3; round++)
      for (const s of sources) {
        edge.changed(s);
        publisher.changed(s);
      }
    expect(new Set(taken(edge).map((t) => t.icao24))).toEqual(new Set(['aaaaaa', 'bbbbbb', 'cccccc']));
    expect(new Set(taken(publisher).map((t) => t.icao24))).toEqual(new Set(['aaaaaa', 'bbbbbb', 'cccccc']));
  });

  it('takes exactly the aircraft changed since their last take or override (any sequence)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('changed' as const), id: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant('overridden' as const), id: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant('take' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const p = new PendingTracks();
        const sources: TrackSource[] = [0, 1, 2, 3, 4].map((i) => source(`a0000${i}`));
        const model = new Set<string>();
        for (const o of [...ops, { kind: 'take' as const }]) {
          if (o.kind === 'changed') {
            p.changed(sources[o.id]);
            model.add(sources[o.id].icao24);
          } else if (o.kind === 'overridden') {
            p.overridden(sources[o.id].icao24);
            model.delete(sources[o.id].icao24);
          } else {
            expect(new Set(taken(p).map((t) => t.icao24))).toEqual(model);
            model.clear();
          }
        }
      }),
    );
  });
});
