import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../runtime/contract/index.ts';
import { backoffMs, closedBeforeMs, DAY_MS, latestPerAircraft, utcDays } from './batch.ts';
import { historyRow } from './history-fixtures.ts';

const row = (icao24: string, ts: number): HistoryRow => historyRow({ icao24, ts });

describe('latestPerAircraft', () => {
  it('keeps exactly the newest row of each aircraft', () => {
    const arb = fc.array(fc.tuple(fc.constantFrom('aaaaaa', 'bbbbbb', 'cccccc'), fc.nat(1_000)), {
      maxLength: 50,
    });
    fc.assert(
      fc.property(arb, (pairs) => {
        const rows = pairs.map(([id, ts]) => row(id, ts));
        const latest = latestPerAircraft(rows);
        expect(new Set(latest.map((r) => r.icao24)).size).toBe(latest.length);
        expect(latest.map((r) => r.icao24).sort()).toEqual([...new Set(rows.map((r) => r.icao24))].sort());
        for (const l of latest) {
          expect(l.ts).toBe(Math.max(...rows.filter((r) => r.icao24 === l.icao24).map((r) => r.ts)));
        }
      }),
    );
  });
  it('prefers the later of two rows with the same ts', () => {
    const a = row('aaaaaa', 5);
    const b = row('aaaaaa', 5);
    expect(latestPerAircraft([a, b])[0]).toBe(b);
  });
});

describe('utcDays', () => {
  it('lists distinct UTC days ascending', () => {
    const rows = [row('a', 2 * DAY_MS + 5), row('a', DAY_MS - 1), row('a', DAY_MS), row('a', 2 * DAY_MS)];
    expect(utcDays(rows)).toEqual([0, 1, 2]);
    expect(utcDays([])).toEqual([]);
  });
});

describe('backoffMs', () => {
  it('grows exponentially from minMs, stays within [base/2, base], caps at maxMs', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, random) => {
        const base = Math.min(5_000, 100 * 2 ** attempt);
        const ms = backoffMs(attempt, random);
        expect(ms).toBeGreaterThanOrEqual(Math.floor(base / 2));
        expect(ms).toBeLessThanOrEqual(base);
      }),
    );
    expect(backoffMs(0, 0)).toBe(50);
    expect(backoffMs(3, 0.999999)).toBe(800);
    expect(backoffMs(50, 0.5)).toBe(3_750);
  });
});

describe('closedBeforeMs', () => {
  const HOUR = 3_600_000;
  it('closes a day once it ended more than the grace period ago', () => {
    const day = 20_000;
    expect(closedBeforeMs((day + 1) * DAY_MS + HOUR / 2, HOUR, new Map())).toBe(day * DAY_MS); // yesterday still open
    expect(closedBeforeMs((day + 1) * DAY_MS + 2 * HOUR, HOUR, new Map())).toBe((day + 1) * DAY_MS); // yesterday closed
  });
  it('never closes a day written to within the grace period (a replay of old days)', () => {
    const now = 20_100 * DAY_MS + 12 * HOUR;
    const writes = new Map([
      [19_000, now - 10_000],
      [18_000, now - 2 * HOUR],
    ]);
    expect(closedBeforeMs(now, HOUR, writes)).toBe(19_000 * DAY_MS);
  });
});
