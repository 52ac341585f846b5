import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import { AnomalyJournal } from '../../../runtime/contract/anomaly-journal.ts';
import { createAlertSync } from '../alert-sync.ts';
import { type FeedEvent, mergeAnomalies, resolveOrphans } from './anomaly-feed.ts';
import { AnomalySync } from './anomaly-sync.ts';
import { testAnomaly } from './test-anomaly.ts';

const ev = (k: number, gen: number, phase: 'open' | 'closed'): AnomalyEvent =>
  testAnomaly({
    id: `emergency_squawk:abc12${k}:${gen}`,
    type: 'emergency_squawk',
    phase,
    severity: 'critical',
    icao24: `abc12${k}`,
    started_at: gen,
    detected_at: gen * 10 + k,
    ended_at: phase === 'closed' ? gen * 10 + k + 5 : null,
  });

describe('AnomalySync', () => {
  it('same instance continues from its cursor; a new one starts from 0 and says restarted', () => {
    const s = new AnomalySync();
    expect(s.hello(undefined)).toBeNull();
    expect(s.hello('a')).toEqual({ after: 0, restarted: false });
    expect(s.frame(1)).toBe(false);
    expect(s.frame(2)).toBe(false);
    expect(s.hello('a')).toEqual({ after: 2, restarted: false });
    expect(s.frame(5)).toBe(true); // 3 and 4 are missing
    expect(s.cursor).toBe(2);
    expect(
      s.backlog({ instance: 'a', cursor: 5, more: false, truncated: false, anomalies: [], open: [] }),
    ).toBe('done');
    expect(s.cursor).toBe(5);
    expect(
      s.backlog({ instance: 'b', cursor: 9, more: false, truncated: false, anomalies: [], open: [] }),
    ).toBe('stale');
    expect(s.hello('b')).toEqual({ after: 0, restarted: true });
  });
});

describe('resolveOrphans', () => {
  it('closes open events the edge does not hold open, only those the answer covers', () => {
    const feed: FeedEvent[] = [
      { ...ev(1, 1, 'open'), cursor: 3 },
      { ...ev(2, 1, 'open'), cursor: 9 },
      ev(3, 1, 'open'),
    ];
    const out = resolveOrphans(feed, new Set([ev(3, 1, 'open').id]), (e) => (e.cursor ?? 0) <= 5);
    expect(out.map((e) => [e.phase, e.orphaned ?? false])).toEqual([
      ['closed', true],
      ['open', false],
      ['open', false],
    ]);
    // A real close later replaces the orphan's resolution; an orphan never replaces a real close.
    const id1 = ev(1, 1, 'open').id;
    expect(mergeAnomalies(out, [ev(1, 1, 'closed')]).find((e) => e.id === id1)).toEqual(ev(1, 1, 'closed'));
    // The edge saying open again (it restarted and saw it again) beats the orphan resolution.
    expect(mergeAnomalies(out, [ev(1, 1, 'open')]).find((e) => e.id === id1)?.phase).toBe('open');
    expect(
      mergeAnomalies<FeedEvent>([ev(1, 1, 'closed')], [{ ...ev(1, 1, 'closed'), orphaned: true }])[0],
    ).toEqual(ev(1, 1, 'closed'));
  });
});

/**
 * The page against the edge's real AnomalyJournal: events are recorded; the page's socket is up or
 * down at random (frames sent while down are lost), it reconnects (hello, same instance) or the
 * edge restarts (new instance, empty log). After the last reconnect and the sync, the feed holds
 * exactly the log's latest phase of every event the edge still has, and nothing open that the
 * edge does not hold open.
 */
describe('alert sync against the edge log', () => {
  it('no event is lost across drops and restarts; closed beats open; no orphan stays open', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('event' as const),
              k: fc.integer({ min: 0, max: 5 }),
              close: fc.boolean(),
            }),
            fc.record({ kind: fc.constantFrom('drop' as const, 'reconnect' as const, 'restart' as const) }),
          ),
          { maxLength: 60 },
        ),
        fc.integer({ min: 5, max: 200 }),
        async (steps, size) => {
          let log = new AnomalyJournal(size);
          let instance = 'i0';
          let restarts = 0;
          let feed: FeedEvent[] = [];
          const gen = new Array<number>(6).fill(0);
          const alerts = createAlertSync({
            backlog: async (after, limit) => log.backlog(after, limit, instance),
            recent: async () => [],
            merge: (es) => {
              feed = mergeAnomalies(feed, es);
            },
            resolveOrphans: (open, settled) => {
              feed = resolveOrphans(feed, open, settled);
            },
            warn: (m) => {
              throw new Error(m);
            },
          });
          let up = true;
          alerts.hello(instance);
          await alerts.idle();
          for (const s of steps) {
            if (s.kind === 'event') {
              const e = ev(s.k, gen[s.k] as number, s.close ? 'closed' : 'open');
              if (s.close) gen[s.k] = (gen[s.k] as number) + 1;
              const cursor = log.add(e);
              if (cursor !== null && up) alerts.event(e, cursor);
            } else if (s.kind === 'drop') up = false;
            else {
              if (s.kind === 'restart') {
                log = new AnomalyJournal(size);
                instance = `i${++restarts}`;
              }
              up = true;
              alerts.hello(instance);
            }
            await alerts.idle();
          }
          up = true;
          alerts.hello(instance);
          await alerts.idle();
          const all = log.backlog(0, 1000, instance);
          const latest = mergeAnomalies([], all.anomalies);
          const byId = new Map(feed.map((e) => [e.id, e]));
          for (const e of latest) expect(byId.get(e.id)?.phase, e.id).toBe(e.phase);
          const open = new Set(all.open.map((e) => e.id));
          for (const e of feed) if (e.phase === 'open') expect(open.has(e.id), e.id).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
