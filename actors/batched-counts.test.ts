import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchedCounts } from './batched-counts.ts';

const LABELS = ['accepted', 'duplicate', 'out_of_order'] as const;

/** A BatchedCounts whose timer is driven by hand, and what it has handed over so far. */
function setup(flushEvery = 4096, flushAfterMs = 1000) {
  const handed = new Map<string, number>();
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const counts = new BatchedCounts(LABELS, (label, n) => handed.set(label, (handed.get(label) ?? 0) + n), {
    flushEvery,
    flushAfterMs,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
  });
  const fireTimers = () => {
    for (const t of timers.splice(0)) t.fn();
  };
  return { counts, handed, timers, fireTimers };
}

describe('BatchedCounts', () => {
  it('hands nothing over until a flush, the batch size or the timer', () => {
    const { counts, handed } = setup();
    counts.add(0);
    counts.add(0);
    counts.add(1);
    expect(handed.size).toBe(0);
    counts.flush();
    expect(Object.fromEntries(handed)).toEqual({ accepted: 2, duplicate: 1 });
  });

  it('the timer hands over what a load that never goes idle left behind (at most flushAfterMs late)', () => {
    const { counts, handed, timers, fireTimers } = setup();
    for (let i = 0; i < 100; i++) counts.add(i % 3);
    expect(timers).toHaveLength(1); // one timer for the whole batch, not one per count
    expect(timers[0]!.ms).toBe(1000);
    expect(handed.size).toBe(0);
    fireTimers();
    expect(Object.fromEntries(handed)).toEqual({ accepted: 34, duplicate: 33, out_of_order: 33 });
    counts.add(2); // the next count arms a new timer
    expect(timers).toHaveLength(1);
    fireTimers();
    expect(handed.get('out_of_order')).toBe(34);
  });

  it('flushes by itself every flushEvery counts', () => {
    const { counts, handed } = setup(10);
    for (let i = 0; i < 25; i++) counts.add(0);
    expect(handed.get('accepted')).toBe(20);
  });

  it('whatever the order of counts, flushes and timer firings, nothing is lost or counted twice (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant('flush'), fc.constant('timer')), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 50 }),
        (ops, flushEvery) => {
          const { counts, handed, fireTimers } = setup(flushEvery);
          const expected = [0, 0, 0];
          for (const op of ops) {
            if (op === 'flush') counts.flush();
            else if (op === 'timer') fireTimers();
            else {
              counts.add(op);
              expected[op]!++;
            }
          }
          counts.flush();
          expect(LABELS.map((l) => handed.get(l) ?? 0)).toEqual(expected);
        },
      ),
    );
  });
});
