import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES, type AnomalyEvent, SEVERITIES } from '../../../runtime/contract/anomaly.ts';
import { BURST_GAP_MS, criticalAlerts, foldBursts, passesTriage, typeCounts } from './alert-triage.ts';
import { mergeAnomalies } from './anomaly-feed.ts';
import { STALE_AFTER_MS, staleSeconds } from './staleness.ts';
import { testAnomaly } from './test-anomaly.ts';

const ev = ({ n, ...o }: Partial<AnomalyEvent> & { n: number }): AnomalyEvent =>
  testAnomaly({ id: `go_around:abc123:${n}`, started_at: n, detected_at: n, ...o });

const arbEvent = fc
  .record({
    n: fc.integer({ min: 0, max: 2_000_000 }),
    type: fc.constantFrom(...ANOMALY_TYPES),
    severity: fc.constantFrom(...SEVERITIES),
    phase: fc.constantFrom('open' as const, 'closed' as const),
  })
  .map((r) => ev({ ...r, id: `${r.type}:abc123:${r.n}` }));

describe('alert triage', () => {
  it('bursts: every event in exactly one row, in feed order; folded rows are one type, critical alone', () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 80 }), (events) => {
        const feed = mergeAnomalies([], events);
        const rows = foldBursts(feed);
        expect(rows.flatMap((r) => r.events)).toEqual(feed);
        expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
        for (const r of rows) {
          expect(r.events.every((e) => e.type === r.type)).toBe(true);
          if (r.events.length > 1) {
            expect(r.events.length).toBeGreaterThanOrEqual(3);
            expect(r.events.some((e) => e.severity === 'critical')).toBe(false);
            for (let i = 1; i < r.events.length; i++)
              expect(r.events[i - 1]!.detected_at - r.events[i]!.detected_at).toBeLessThanOrEqual(
                BURST_GAP_MS,
              );
          }
        }
      }),
    );
  });

  it('a burst of go-arounds folds; a lone one and a critical one do not', () => {
    const feed = mergeAnomalies(
      [],
      [
        ev({ n: 1000 }),
        ev({ n: 2000 }),
        ev({ n: 3000 }),
        ev({ n: 4000, id: 'emergency_squawk:abc123:4000', type: 'emergency_squawk', severity: 'critical' }),
        ev({ n: 900_000 }),
      ],
    );
    expect(foldBursts(feed).map((r) => r.events.length)).toEqual([1, 1, 3]);
  });

  it('filters by type, open only and severity floor; counts per type', () => {
    const open = ev({
      n: 1,
      phase: 'open',
      severity: 'info',
      type: 'signal_lost',
      id: 'signal_lost:abc123:1',
    });
    const crit = ev({ n: 2, severity: 'critical' });
    const f = { hiddenTypes: [], openOnly: false, minSeverity: 'info' as const };
    expect(passesTriage(open, f)).toBe(true);
    expect(passesTriage(open, { ...f, hiddenTypes: ['signal_lost'] })).toBe(false);
    expect(passesTriage(crit, { ...f, openOnly: true })).toBe(false);
    expect(passesTriage(open, { ...f, minSeverity: 'warning' })).toBe(false);
    expect(passesTriage(crit, { ...f, minSeverity: 'critical' })).toBe(true);
    expect(typeCounts([open, crit])).toEqual(
      new Map([
        ['signal_lost', { all: 1, open: 1 }],
        ['go_around', { all: 1, open: 0 }],
      ]),
    );
  });

  it('critical: open, unacknowledged emergency squawks and critical rapid descents', () => {
    const sq = ev({
      n: 1,
      type: 'emergency_squawk',
      phase: 'open',
      severity: 'critical',
      id: 'emergency_squawk:abc123:1',
    });
    const rd = ev({
      n: 2,
      type: 'rapid_descent',
      phase: 'open',
      severity: 'critical',
      id: 'rapid_descent:abc123:2',
    });
    const rdWarn = ev({ n: 3, type: 'rapid_descent', phase: 'open', id: 'rapid_descent:abc123:3' });
    const closed = { ...sq, id: 'emergency_squawk:abc123:9', phase: 'closed' as const };
    expect(criticalAlerts([sq, rd, rdWarn, closed], new Set()).map((e) => e.id)).toEqual([sq.id, rd.id]);
    expect(criticalAlerts([sq, rd], new Set([sq.id])).map((e) => e.id)).toEqual([rd.id]);
  });
});

describe('staleness', () => {
  it('0 before the first frame and up to the threshold, then whole seconds since the frame', () => {
    expect(staleSeconds(10_000, null)).toBe(0);
    expect(staleSeconds(10_000, 10_000 - STALE_AFTER_MS)).toBe(0);
    expect(staleSeconds(10_000, 10_000 - STALE_AFTER_MS - 1)).toBe(3);
    expect(staleSeconds(60_000, 0)).toBe(60);
  });
});
