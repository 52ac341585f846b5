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
});
