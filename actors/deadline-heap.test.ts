import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './deadline-heap.ts';

describe('DeadlineHeap', () => {
  it('pops in deadline order (property, interleaved pushes and pops)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 1_000 }), { nil: null, freq: 4 })), (ops) => {
        const h = new DeadlineHeap<number>();
        const ref: number[] = [];
        for (const op of ops) {
          if (op === null) {
            ref.sort((a, b) => a - b);
            expect(h.pop()).toBe(ref.shift());
          } else {
            h.push(op, op);
            ref.push(op);
          }
          expect(h.size).toBe(ref.length);
          expect(h.peekKey()).toBe(ref.length ? Math.min(...ref) : Number.POSITIVE_INFINITY);
        }
      }),
    );
  });

  it('retain keeps exactly the accepted items, still in deadline order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 })), fc.integer({ min: 1, max: 5 }), (keys, m) => {
        const h = new DeadlineHeap<number>();
        for (let i = 0; i < keys.length; i++) h.push(i, keys[i]);
        h.retain((i) => i % m === 0);
        const want = keys
          .map((k, i) => [k, i] as const)
          .filter(([, i]) => i % m === 0)
          .map(([k]) => k)
          .sort((a, b) => a - b);
        expect(h.size).toBe(want.length);
        const got: number[] = [];
        while (h.size > 0) {
          got.push(h.peekKey());
          const i = h.pop() as number;
          expect(i % m).toBe(0);
        }
        expect(got).toEqual(want);
      }),
    );
  });
});
