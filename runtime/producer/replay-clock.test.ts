import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { LOOP_GAP_MS, LOOP_TS_GAP_MS, ReplayClock } from './replay-clock.ts';

const env = (ts: number): FlightEnvelope => ({
  v: 1,
  icao24: 'abc123',
  ts,
  last_contact: ts + 100,
  lat: 0,
  lon: 0,
  on_ground: false,
});

describe('ReplayClock', () => {
  it('publishes the first fix at the wall start and keeps the recorded spacing in ts', () => {
    const c = new ReplayClock(5_000_000, 10);
    expect(c.dueMs(1000)).toBe(5_000_000);
    expect(c.shift(env(1000))).toMatchObject({ ts: 5_000_000, last_contact: 5_000_100, source: 'replay' });
    expect(c.dueMs(11_000)).toBe(5_001_000); // 10 s recorded, 1 s of wall time at 10x
    expect(c.shift(env(11_000)).ts).toBe(5_010_000);
  });

  it('a looped file keeps every ts increasing across passes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0.1, max: 1000, noNaN: true }),
        (offsets, speed) => {
          const recorded = [...offsets].sort((a, b) => a - b).map((o) => 1_700_000_000_000 + o);
          const c = new ReplayClock(0, speed);
          const published: number[] = [];
          const due: number[] = [];
          for (let pass = 0; pass < 3; pass++) {
            for (const ts of recorded) {
              due.push(c.dueMs(ts));
              published.push(c.shift(env(ts)).ts);
            }
            c.nextPass();
          }
          for (let i = 1; i < published.length; i++) {
            expect(published[i]!).toBeGreaterThanOrEqual(published[i - 1]!);
            expect(due[i]!).toBeGreaterThanOrEqual(due[i - 1]!);
          }
          const span = recorded[recorded.length - 1]! - recorded[0]!;
          expect(published[recorded.length]! - published[0]!).toBe(span + LOOP_TS_GAP_MS);
          expect(due[recorded.length]! - due[0]!).toBeCloseTo((span + LOOP_GAP_MS) / speed, 6);
        },
      ),
    );
  });

  it('rejects a non-positive speed', () => {
    expect(() => new ReplayClock(0, 0)).toThrow(/speed/);
  });
});
