import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSbsTimeZone, sbsClock, wallClockFormat } from './clock.ts';

describe('sbsClock', () => {
  it('reads wall time as UTC, a fixed offset or an IANA zone (DST included)', () => {
    expect(sbsClock('UTC')(2024, 7, 6, 6, 43, 9, 525)).toBe(Date.UTC(2024, 6, 6, 6, 43, 9, 525));
    expect(sbsClock('+02:00')(2024, 7, 6, 8, 43, 9, 525)).toBe(Date.UTC(2024, 6, 6, 6, 43, 9, 525));
    expect(sbsClock('-0530')(2024, 7, 6, 1, 13, 9, 0)).toBe(Date.UTC(2024, 6, 6, 6, 43, 9, 0));
    const paris = sbsClock('Europe/Paris');
    expect(paris(2024, 7, 6, 8, 43, 9, 525)).toBe(Date.UTC(2024, 6, 6, 6, 43, 9, 525)); // CEST, +2
    expect(paris(2024, 1, 15, 13, 0, 0, 0)).toBe(Date.UTC(2024, 0, 15, 12, 0, 0, 0)); // CET, +1
    expect(sbsClock('America/New_York')(2024, 11, 3, 12, 0, 0, 0)).toBe(Date.UTC(2024, 10, 3, 17));
  });

  it('an IANA zone agrees with Intl at every instant outside a DST gap (property)', () => {
    const zone = 'America/New_York';
    const clock = sbsClock(zone);
    const fmt = wallClockFormat(zone);
    fc.assert(
      fc.property(fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }), (s) => {
        const p = Object.fromEntries(fmt.formatToParts(s * 1000).map((x) => [x.type, Number(x.value)]));
        const back = clock(p.year, p.month, p.day, p.hour, p.minute, p.second, 0);
        // In the repeated hour of the autumn change, the first reading is taken (an hour earlier).
        expect([s * 1000, s * 1000 - 3_600_000]).toContain(back);
      }),
      { numRuns: 2000 },
    );
  });

  it('validates zone names for the configuration', () => {
    for (const z of ['UTC', 'local', '+01:00', '-0800', 'Europe/Paris']) expect(isSbsTimeZone(z)).toBe(true);
    for (const z of ['Mars/Olympus', '+1', 'utc+2']) expect(isSbsTimeZone(z)).toBe(false);
  });
});
