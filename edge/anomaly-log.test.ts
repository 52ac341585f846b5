import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../runtime/contract/index.ts';
import { AnomalyLog, CLOSED_ONLY_MARK_MS } from './anomaly-log.ts';

const ev = (over: Partial<AnomalyEvent>): AnomalyEvent => ({
  v: 1,
  id: 'emergency_squawk:abc123:1000',
  type: 'emergency_squawk',
  phase: 'open',
  severity: 'critical',
  icao24: 'abc123',
  callsign: null,
  started_at: 1000,
  detected_at: 1000,
  ended_at: null,
  lat: 0,
  lon: 0,
  alt_m: null,
  airport: null,
  details: {},
  ...over,
});

describe('AnomalyLog', () => {
  it('marks an aircraft while its anomaly is open and ignores re-delivery', () => {
    const log = new AnomalyLog();
    expect(log.add(ev({}), 0)?.marks).toEqual(new Set(['emergency_squawk']));
    expect(log.add(ev({}), 0)).toBeNull();
    expect(log.add(ev({ phase: 'closed', ended_at: 2000 }), 0)).toEqual({ cursor: 2, marks: new Set() });
    expect(log.query({ sinceMs: undefined, type: undefined, limit: 10 })).toHaveLength(2);
  });

  it('a closed-only event (go-around) stays marked for a while, then expires', () => {
    const log = new AnomalyLog();
    const g = ev({ id: 'go_around:abc123:5', type: 'go_around', phase: 'closed', ended_at: 6 });
    expect(log.add(g, 100)?.marks).toEqual(new Set(['go_around']));
    expect(log.expire(100 + CLOSED_ONLY_MARK_MS - 1).size).toBe(0);
    expect(log.expire(100 + CLOSED_ONLY_MARK_MS)).toEqual(new Map([['abc123', new Set()]]));
  });

  it('keeps the last N, newest first, filtered by type and since', () => {
    const log = new AnomalyLog(3);
    for (let i = 0; i < 5; i++) {
      log.add(
        ev({ id: `signal_lost:abc123:${i}`, type: i % 2 ? 'signal_lost' : 'rapid_descent', detected_at: i }),
        0,
      );
    }
    expect(log.query({ sinceMs: undefined, type: undefined, limit: 10 }).map((e) => e.detected_at)).toEqual([
      4, 3, 2,
    ]);
    expect(log.query({ sinceMs: 3, type: undefined, limit: 10 }).map((e) => e.detected_at)).toEqual([4, 3]);
    expect(
      log.query({ sinceMs: undefined, type: 'signal_lost', limit: 10 }).map((e) => e.detected_at),
    ).toEqual([3]);
    expect(log.query({ sinceMs: undefined, type: undefined, limit: 1 })).toHaveLength(1);
  });

  it('a late "open" after its "closed" does not reopen it', () => {
    const log = new AnomalyLog();
    log.add(ev({ phase: 'closed', ended_at: 2000 }), 0);
    expect(log.add(ev({}), 0)).not.toBeNull();
    expect(log.backlog(0, 10, 'i').open).toEqual([]);
  });

  it('backlog: paging from any cursor returns every event after it, in order; open is what is open', () => {
    // Events: (aircraft k, phase) pairs; some re-delivered. A client that saw up to cursor `seen`
    // and pages with `limit` gets exactly the events recorded after `seen` (or all retained ones
    // and truncated when `seen` fell out of the log).
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.boolean()), { maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 1, max: 7 }),
        (steps, size, seenRaw, limit) => {
          const log = new AnomalyLog(size);
          const recorded: AnomalyEvent[] = [];
          const open = new Map<string, AnomalyEvent>();
          const closed = new Set<string>();
          // Aircraft k's current anomaly is generation gen[k]; a close ends it (the next open is a
          // new id). Re-delivery: an open sent again while open, a close sent twice in a row.
          const gen = new Array<number>(9).fill(0);
          const justClosed = new Array<boolean>(9).fill(false);
          for (const [k, close] of steps) {
            const icao24 = `abc12${k}`;
            if (close && justClosed[k]) {
              const prev = `signal_lost:${icao24}:${(gen[k] as number) - 1}`;
              // Ignored while its first copy is in the log; the log's memory is bounded, so after
              // that it is recorded again (clients dedupe by id).
              const again = ev({ id: prev, type: 'signal_lost', phase: 'closed', icao24 });
              const inLog = recorded.slice(-size).some((r) => r.id === prev && r.phase === 'closed');
              const added = log.add(again, 0);
              expect(added === null).toBe(inLog);
              if (added !== null) recorded.push(again);
              continue;
            }
            const id = `signal_lost:${icao24}:${gen[k]}`;
            const e = ev({ id, type: 'signal_lost', phase: close ? 'closed' : 'open', icao24 });
            const added = log.add(e, 0);
            expect(added === null).toBe(!close && open.has(id));
            justClosed[k] = close;
            if (close) gen[k] = (gen[k] as number) + 1;
            if (added === null) continue;
            recorded.push(e);
            if (close) {
              closed.add(id);
              open.delete(id);
            } else open.set(id, e);
          }
          expect(log.cursor).toBe(recorded.length);
          const seen = Math.min(seenRaw, recorded.length);
          const got: AnomalyEvent[] = [];
          let cursor = seen;
          let page = log.backlog(cursor, limit, 'i');
          const truncated = page.truncated;
          for (let n = 0; ; n++) {
            expect(page.instance).toBe('i');
            expect(page.cursor).toBeGreaterThanOrEqual(cursor);
            got.push(...page.anomalies);
            cursor = page.cursor;
            if (!page.more) break;
            expect(n).toBeLessThan(100);
            page = log.backlog(cursor, limit, 'i');
          }
          expect(cursor).toBe(recorded.length);
          const firstKept = Math.max(0, recorded.length - size);
          expect(truncated).toBe(seen < firstKept);
          expect(got).toEqual(recorded.slice(Math.max(seen, firstKept)));
          expect(new Set(page.open.map((e) => e.id))).toEqual(new Set(open.keys()));
        },
      ),
    );
  });
});
