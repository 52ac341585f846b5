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
    expect(log.add(ev({}), 0)).toEqual(new Set(['emergency_squawk']));
    expect(log.add(ev({}), 0)).toBeNull();
    expect(log.add(ev({ phase: 'closed', ended_at: 2000 }), 0)).toEqual(new Set());
    expect(log.query({ sinceMs: undefined, type: undefined, limit: 10 })).toHaveLength(2);
  });

  it('a closed-only event (go-around) stays marked for a while, then expires', () => {
    const log = new AnomalyLog();
    const g = ev({ id: 'go_around:abc123:5', type: 'go_around', phase: 'closed', ended_at: 6 });
    expect(log.add(g, 100)).toEqual(new Set(['go_around']));
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
});
