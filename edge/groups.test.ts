import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BBox, Track } from '../runtime/contract/index.ts';
import { bboxContains } from './bbox.ts';
import { TrackBoard } from './board.ts';
import { type Group, SubscriptionGroups, TooManyGroupsError } from './groups.ts';
import { CompactMirror, FlightMirror } from './mirror.ts';
import { icaoOf, makeTrack } from './test-tracks.ts';

const BOXES: (BBox | null)[] = [
  null,
  [-20, -20, 20, 20],
  [0, 0, 60, 60],
  [170, -30, -170, 30],
  [-180, -90, 0, 0],
];

function setup() {
  const clock = { ms: 0 };
  const board = new TrackBoard({ now: () => clock.ms, staleAfterS: 60 });
  const groups = new SubscriptionGroups<string>(board);
  return { clock, board, groups };
}

describe('SubscriptionGroups', () => {
  it('subscribers of the same box share one group and one frame per tick', () => {
    const { board, groups } = setup();
    const a = groups.join('a', [-10, -10, 10, 10]);
    const b = groups.join('b', [-10, -10, 10, 10]);
    expect(a).toBe(b);
    board.upsert(makeTrack(icaoOf(1), { lon: 0, lat: 0 }));
    board.upsert(makeTrack(icaoOf(2), { lon: 50, lat: 0 }));
    const frames = groups.tick(board.takeChanges(), 5);
    expect(frames).toHaveLength(1);
    const f = JSON.parse(frames[0].json as string);
    expect(f).toMatchObject({ type: 'delta', seq: 1, ts: 5, removes: [] });
    expect(f.upserts.map((t: Track) => t.icao24)).toEqual([icaoOf(1)]);
  });

  it('an aircraft leaving the box arrives in removes; a quiet group sends nothing', () => {
    const { board, groups } = setup();
    const g = groups.join('a', [-10, -10, 10, 10]);
    board.upsert(makeTrack(icaoOf(1), { lon: 0, lat: 0 }));
    groups.tick(board.takeChanges(), 1);
    board.upsert(makeTrack(icaoOf(1), { lon: 20, lat: 0, ts: 2 }));
    const [frame] = groups.tick(board.takeChanges(), 2);
    expect(JSON.parse(frame.json as string)).toMatchObject({ seq: 2, upserts: [], removes: [icaoOf(1)] });
    board.upsert(makeTrack(icaoOf(1), { lon: 30, lat: 0, ts: 3 }));
    expect(groups.tick(board.takeChanges(), 3)).toEqual([]);
    expect(g.seq).toBe(2);
  });

  it('a snapshot carries the group seq, so the next delta is seq + 1', () => {
    const { board, groups } = setup();
    groups.join('a', null);
    board.upsert(makeTrack(icaoOf(1)));
    groups.tick(board.takeChanges(), 1);
    const g = groups.join('b', null);
    const snap = JSON.parse(groups.snapshot(g, 9));
    expect(snap).toMatchObject({ type: 'snapshot', seq: 1, ts: 9 });
    expect(snap.flights).toHaveLength(1);
    expect(groups.snapshot(g, 10)).toBe(groups.snapshot(g, 11)); // cached until the next tick
  });

  it('the last subscriber leaving drops the group; a cap bounds distinct groups', () => {
    const { board } = setup();
    const groups = new SubscriptionGroups<string>(board, 2);
    groups.join('a', [0, 0, 1, 1]);
    groups.join('b', [0, 0, 2, 2]);
    expect(() => groups.join('c', [0, 0, 3, 3])).toThrow(TooManyGroupsError);
    groups.leave('a');
    expect(groups.size).toBe(1);
    expect(groups.join('c', [0, 0, 3, 3]).key).toBe('0,0,3,3');
  });
});

type Op =
  | {
      kind: 'upsert';
      id: number;
      lon: number;
      lat: number;
      alt: number | null;
      country: string | null;
      call: number;
    }
  | { kind: 'mark'; id: number; on: boolean }
  | { kind: 'remove'; id: number }
  | { kind: 'stale' }
  | { kind: 'join'; sub: number; box: number; compact: boolean }
  | { kind: 'leave'; sub: number }
  | { kind: 'resync'; sub: number }
  | { kind: 'tick' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      id: fc.nat(20),
      lon: fc.integer({ min: -180, max: 180 }),
      lat: fc.integer({ min: -89, max: 89 }),
      alt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      country: fc.option(fc.constantFrom('', 'US', 'FR'), { nil: null }),
      call: fc.nat(2),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('mark' as const), id: fc.nat(20), on: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      sub: fc.nat(5),
      box: fc.nat(BOXES.length - 1),
      compact: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), sub: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resync' as const), sub: fc.nat(5) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const) }) },
);

describe('SubscriptionGroups (property)', () => {
  it('snapshot then deltas, applied in order, reproduce the board inside each box after every tick, in both encodings', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const { clock, board, groups } = setup();
        const subs = new Map<
          string,
          { box: BBox | null; compact: boolean; mirror: FlightMirror | CompactMirror }
        >();
        let tsMs = 0;
        const snapshotOf = (g: Group<string>, compact: boolean) =>
          JSON.parse(compact ? groups.compactSnapshot(g, tsMs) : groups.snapshot(g, tsMs));
        const join = (sub: string, box: BBox | null, compact: boolean) => {
          const g = groups.join(sub, box, compact ? 'compact' : 'json');
          const mirror = compact ? new CompactMirror() : new FlightMirror();
          mirror.apply(snapshotOf(g, compact));
          subs.set(sub, { box, compact, mirror });
        };
        const check = () => {
          for (const [, s] of subs) {
            const expected = new Map<string, Track>();
            for (const t of board.tracks()) {
              if (s.box === null || bboxContains(s.box, t.lon, t.lat)) expected.set(t.icao24, t);
            }
            expect(s.mirror.flights).toEqual(expected);
            expect(s.mirror.gaps).toBe(0);
          }
        };
        const tick = () => {
          tsMs += 250;
          board.expire();
          for (const f of groups.tick(board.takeChanges(), tsMs)) {
            for (const [sub, s] of subs) {
              if (groups.groupOf(sub) !== f.group) continue;
              const text = s.compact ? f.compact : f.json;
              expect(text).not.toBeNull(); // built because a subscriber of that encoding is in the group
              s.mirror.apply(JSON.parse(text as string));
            }
          }
          check();
        };
        for (const op of ops) {
          switch (op.kind) {
            case 'upsert':
              board.upsert(
                makeTrack(icaoOf(op.id), {
                  lon: op.lon,
                  lat: op.lat,
                  ts: tsMs,
                  alt_m: op.alt,
                  callsign: `C${op.call}`,
                  ...(op.country === null ? {} : { origin_country: op.country }),
                }),
              );
              break;
            case 'mark':
              board.setMarks(icaoOf(op.id), new Set(op.on ? (['go_around'] as const) : []));
              break;
            case 'remove':
              board.remove(icaoOf(op.id));
              break;
            case 'stale':
              clock.ms += 61_000;
              break;
            case 'join':
              join(`s${op.sub}`, BOXES[op.box], op.compact);
              break;
            case 'leave':
              groups.leave(`s${op.sub}`);
              subs.delete(`s${op.sub}`);
              break;
            case 'resync': {
              const s = subs.get(`s${op.sub}`);
              const g = groups.groupOf(`s${op.sub}`);
              if (s && g) s.mirror.apply(snapshotOf(g, s.compact));
              break;
            }
            case 'tick':
              tick();
          }
        }
        tick();
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});
