import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleIcao24 as icaoOf, sampleTrack } from '../runtime/contract/sample.ts';
import type { Track } from '../runtime/contract/track.ts';
import { FeedDecoder, type WireFrame } from '../ui/src/core/feed-decoder.ts';
import {
  applyDelta,
  applySnapshot,
  createFlightStore,
  type FlightStore,
} from '../ui/src/core/flight-store.ts';
import { TrackBoard } from './board.ts';
import { SubscriptionGroups } from './groups.ts';

/**
 * The edge's frames through the UI's decoder: the UI depends on the protocol only
 * (runtime/contract/), so this end-to-end check of both sides lives with the edge.
 */
/** One client path as in the worker and the page: socket text -> FeedDecoder -> FlightStore. */
class Pipeline {
  readonly decoder = new FeedDecoder();
  readonly store: FlightStore = createFlightStore();
  resyncs = 0;
  /** The next delta frame is lost on the way (to exercise gap -> resync). */
  dropNext = false;
  /** A frame was lost and the next delta has not shown the gap yet. */
  behind = false;

  constructor(
    readonly compact: boolean,
    private readonly resync: () => string,
  ) {}

  receive(text: string): void {
    const f = JSON.parse(text) as WireFrame;
    if (this.dropNext && f.type === 'delta') {
      this.dropNext = false;
      this.behind = true;
      return;
    }
    const r = this.decoder.handle(f);
    if (r.kind === 'gap') {
      this.resyncs += 1;
      this.behind = false;
      this.receive(this.resync());
    } else if (r.kind === 'post' && r.frame.type === 'snapshot') {
      this.ready(); // the page applies what it had, then the snapshot
      applySnapshot(this.store, r.frame);
    }
  }

  /** The page is ready: it takes the merged batch and applies it. */
  ready(): void {
    const batch = this.decoder.merger.take();
    if (batch === null) return;
    expect(applyDelta(this.store, batch).kind).toBe('applied');
  }
}

type Op =
  | {
      kind: 'upsert';
      id: number;
      lon: number;
      alt: number | null;
      squawk: string;
      country: boolean;
      ts: number;
    }
  | { kind: 'remove'; id: number }
  | { kind: 'mark'; id: number; on: boolean }
  | { kind: 'tick' }
  | { kind: 'ready' }
  | { kind: 'drop' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      id: fc.nat(15),
      lon: fc.integer({ min: -40, max: 40 }),
      alt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      squawk: fc.constantFrom('1200', '7700'),
      country: fc.boolean(),
      ts: fc.integer({ min: -5000, max: 5000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.nat(15) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('mark' as const), id: fc.nat(15), on: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'ready' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop' as const }) },
);

describe('the edge feed through the UI FeedDecoder', () => {
  it('compact frames give the page the same Track objects as the JSON encoding, and the board (property)', () => {
    const BOX: [number, number, number, number] = [-20, -60, 20, 60];
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 150 }), (ops) => {
        const board = new TrackBoard({ now: () => 0, staleAfterS: 60 });
        const groups = new SubscriptionGroups<string>(board);
        let tsMs = 1_700_000_000_000;
        const g = groups.join('json', BOX, 'json');
        groups.join('compact', BOX, 'compact');
        const json = new Pipeline(false, () => groups.snapshot(g, tsMs));
        const compact = new Pipeline(true, () => groups.compactSnapshot(g, tsMs));
        for (const p of [json, compact]) {
          p.receive(
            `{"type":"hello","protocol":1,"tick_hz":4,"server_time":0${p.compact ? ',"encoding":"compact"' : ''}}`,
          );
          p.receive(p.compact ? groups.compactSnapshot(g, tsMs) : groups.snapshot(g, tsMs));
        }
        const inBox = () => {
          const out = new Map<string, Track>();
          for (const t of board.tracks()) if (t.lon >= BOX[0] && t.lon <= BOX[2]) out.set(t.icao24, t);
          return out;
        };
        // Two more changed ticks at the end: a lost frame shows as a gap at the next delta.
        const upsert99 = (lon: number) =>
          ({ kind: 'upsert', id: 99, lon, alt: 1, squawk: '1200', country: false, ts: 0 }) as const;
        const tail: Op[] = [{ kind: 'tick' }, upsert99(1), { kind: 'tick' }, upsert99(2), { kind: 'tick' }];
        for (const op of [...ops, ...tail, { kind: 'ready' } as const]) {
          switch (op.kind) {
            case 'upsert':
              board.upsert(
                sampleTrack(icaoOf(op.id), {
                  lon: op.lon,
                  lat: 0,
                  alt_m: op.alt,
                  squawk: op.squawk,
                  ts: tsMs + op.ts,
                  ...(op.country ? { origin_country: 'Peru' } : {}),
                }),
              );
              break;
            case 'remove':
              board.remove(icaoOf(op.id));
              break;
            case 'mark':
              board.setMarks(icaoOf(op.id), new Set(op.on ? (['signal_lost'] as const) : []));
              break;
            case 'tick':
              tsMs += 250;
              for (const f of groups.tick(board.takeChanges(), tsMs)) {
                json.receive(f.json as string);
                compact.receive(f.compact as string);
              }
              break;
            case 'ready':
              json.ready();
              compact.ready();
              // Unless a frame was lost and not yet noticed, both pages hold exactly the same Tracks.
              if (!compact.behind) expect(compact.store.flights).toEqual(json.store.flights);
              break;
            case 'drop':
              compact.dropNext = true;
          }
        }
        expect(compact.store.flights).toEqual(inBox());
        expect(json.store.flights).toEqual(inBox());
        expect(compact.store.seq).toBe(g.seq);
      }),
      { numRuns: 500 },
    );
  });
});
