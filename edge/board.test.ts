import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Track, TrackSource } from '../runtime/contract/index.ts';
import { TrackBoard } from './board.ts';
import { icaoOf, makeTrack } from './test-tracks.ts';

function clockedBoard(staleAfterS = 60) {
  const clock = { ms: 1_000_000 };
  const board = new TrackBoard({ now: () => clock.ms, staleAfterS });
  return { clock, board };
}

/** An aircraft's changing state as the actors hand it over: built only when the board asks. */
function changingSource(icao24: string) {
  const s = {
    icao24,
    boardMark: 0,
    lat: 40,
    builds: 0,
    track(): Track {
      s.builds++;
      return makeTrack(icao24, { lat: s.lat });
    },
  };
  return s satisfies TrackSource;
}

describe('TrackBoard', () => {
  it("builds a changed aircraft's Track at the next read, once however often it changed", () => {
    const { board } = clockedBoard();
    const a = changingSource('aaaaaa');
    for (let i = 1; i <= 5; i++) {
      a.lat = 40 + i / 1000;
      board.changed(a);
    }
    expect(a.builds).toBe(0); // nothing read yet
    expect(board.takeChanges()).toEqual({ upserts: ['aaaaaa'], removes: [] });
    expect(a.builds).toBe(1);
    expect(board.get('aaaaaa')?.lat).toBe(40.005);
    a.lat = 41;
    board.changed(a);
    expect(board.get('aaaaaa')?.lat).toBe(41); // an HTTP read sees the change before the tick
    expect(board.takeChanges()).toEqual({ upserts: ['aaaaaa'], removes: [] });
    expect(a.builds).toBe(2);
  });

  it('mirrors every Track it builds from a changed source, once per read, to another port', () => {
    const { board } = clockedBoard();
    const mirrored: Track[] = [];
    board.mirrorTo({ upsert: (t) => void mirrored.push(t) });
    const a = changingSource('aaaaaa');
    for (let i = 1; i <= 3; i++) {
      a.lat = 40 + i;
      board.changed(a);
    }
    board.upsert(makeTrack('bbbbbb')); // a direct upsert is not mirrored: its caller sends it on
    board.takeChanges();
    expect(mirrored.map((t) => [t.icao24, t.lat])).toEqual([['aaaaaa', 43]]);
    expect(a.builds).toBe(1);
    board.takeChanges();
    expect(mirrored).toHaveLength(1); // nothing changed since
  });

  it('a removal or a direct upsert after a change wins over it', () => {
    const { board } = clockedBoard();
    const a = changingSource('aaaaaa');
    const b = changingSource('bbbbbb');
    board.upsert(makeTrack('aaaaaa', { lat: 1 }));
    board.upsert(makeTrack('bbbbbb', { lat: 1 }));
    board.takeChanges();
    board.changed(a);
    board.remove('aaaaaa');
    board.changed(b);
    board.upsert(makeTrack('bbbbbb', { lat: 2 }));
    expect(board.takeChanges()).toEqual({ upserts: ['bbbbbb'], removes: ['aaaaaa'] });
    expect(board.get('aaaaaa')).toBeUndefined();
    expect(board.get('bbbbbb')?.lat).toBe(2);
    expect(a.builds + b.builds).toBe(0);
  });

  it('rounds tracks as the contract says and keeps the caller object untouched', () => {
    const { board } = clockedBoard();
    const input = makeTrack('abc123', {
      lat: 40.1234567,
      lon: -73.9876543,
      alt_m: 1234.56,
      speed_ms: 200.04,
    });
    board.upsert(input);
    expect(board.get('abc123')).toMatchObject({ lat: 40.12346, lon: -73.98765, alt_m: 1235, speed_ms: 200 });
    expect(input.lat).toBe(40.1234567);
  });

  it('reports upserts and removes since the last tick, once', () => {
    const { board } = clockedBoard();
    board.upsert(makeTrack('aaaaaa'));
    board.upsert(makeTrack('bbbbbb'));
    expect(board.takeChanges()).toEqual({ upserts: ['aaaaaa', 'bbbbbb'], removes: [] });
    expect(board.takeChanges()).toEqual({ upserts: [], removes: [] });
    board.remove('aaaaaa');
    board.upsert(makeTrack('bbbbbb', { ts: 2 }));
    expect(board.takeChanges()).toEqual({ upserts: ['bbbbbb'], removes: ['aaaaaa'] });
  });

  it('an aircraft added and removed between two ticks is never announced', () => {
    const { board } = clockedBoard();
    board.upsert(makeTrack('cccccc'));
    board.remove('cccccc');
    expect(board.takeChanges()).toEqual({ upserts: [], removes: [] });
  });

  it('stale aircraft leave after staleAfterS of the injected clock', () => {
    const { clock, board } = clockedBoard(60);
    board.upsert(makeTrack('aaaaaa'));
    clock.ms += 30_000;
    board.upsert(makeTrack('bbbbbb'));
    board.takeChanges();
    clock.ms += 30_001;
    expect(board.expire()).toEqual(['aaaaaa']);
    expect(board.takeChanges()).toEqual({ upserts: [], removes: ['aaaaaa'] });
    expect(board.get('bbbbbb')).toBeDefined();
  });

  it('keeps a bounded trail per aircraft', () => {
    const { board } = clockedBoard();
    for (let i = 0; i < 1000; i++) board.upsert(makeTrack('aaaaaa', { ts: 1000 * i, lat: i / 10 }));
    const trail = board.trail('aaaaaa') ?? [];
    expect(trail.length).toBe(120); // one point per 5 s, ten minutes
    expect(trail[0][0]).toBe(400_000);
    expect(trail[trail.length - 1]).toEqual([995_000, 99.5, -73.5, 3000]);
  });

  it('edge anomaly marks merge with the producer anomalies and survive upserts', () => {
    const { board } = clockedBoard();
    board.upsert(makeTrack('aaaaaa', { anomalies: ['signal_lost'] }));
    board.takeChanges();
    board.setMarks('aaaaaa', new Set(['go_around']));
    expect(board.takeChanges().upserts).toEqual(['aaaaaa']);
    expect(board.get('aaaaaa')?.anomalies).toEqual(['signal_lost', 'go_around']);
    board.upsert(makeTrack('aaaaaa', { ts: 5 }));
    expect(board.get('aaaaaa')?.anomalies).toEqual(['go_around']);
    board.setMarks('aaaaaa', new Set());
    expect(board.get('aaaaaa')?.anomalies).toEqual([]);
    expect(JSON.parse(board.json('aaaaaa') ?? '')).toEqual(board.get('aaaaaa'));
  });
});

type Op =
  | { kind: 'upsert'; id: number; lat: number; ts: number }
  | { kind: 'remove'; id: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'tick' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      id: fc.nat(15),
      lat: fc.integer({ min: -80, max: 80 }),
      ts: fc.nat(1e6),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.nat(15) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(40_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
);

describe('TrackBoard change tracking (property)', () => {
  it('applying every tick changes in order to an empty map reproduces the board', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 150 }), (ops) => {
        const { clock, board } = clockedBoard(60);
        const mirror = new Map<string, Track>();
        const tick = () => {
          board.expire();
          const { upserts, removes } = board.takeChanges();
          if (upserts.some((id) => removes.includes(id))) return false;
          for (const id of upserts) mirror.set(id, JSON.parse(board.json(id) ?? 'null'));
          for (const id of removes) {
            if (!mirror.has(id)) return false; // only announced aircraft are removed
            mirror.delete(id);
          }
          const expected = new Map(board.tracks().map((t) => [t.icao24, t]));
          expect(mirror).toEqual(expected);
          return true;
        };
        for (const op of ops) {
          if (op.kind === 'upsert') board.upsert(makeTrack(icaoOf(op.id), { lat: op.lat, ts: op.ts }));
          else if (op.kind === 'remove') board.remove(icaoOf(op.id));
          else if (op.kind === 'advance') clock.ms += op.ms;
          else if (!tick()) return false;
        }
        return tick();
      }),
      { numRuns: 500 },
    );
  });
});
