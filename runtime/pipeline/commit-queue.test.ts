import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommitQueue } from './commit-queue.ts';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('CommitQueue', () => {
  it('commits in push order, each only after its barrier, whatever order barriers resolve in (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), async (order) => {
        const committed: number[] = [];
        const q = new CommitQueue(async (o) => {
          committed.push(o[0]!.offset);
        }, 100);
        const barriers = order.map(() => deferred());
        for (let i = 0; i < barriers.length; i++)
          await q.push([{ topic: 't', partition: 0, offset: i }], barriers[i]!.promise);
        const resolveOrder = order.map((k, i) => [k, i] as const).sort((x, y) => x[0] - y[0]);
        const released = new Set<number>();
        for (const [, i] of resolveOrder) {
          barriers[i]!.resolve();
          released.add(i);
          await new Promise((r) => setImmediate(r));
          // Only a prefix whose barriers all resolved may be committed.
          for (const c of committed) expect(released.has(c)).toBe(true);
          expect(committed).toEqual([...committed].sort((a, b) => a - b));
        }
        await q.settled();
        expect(committed).toEqual(order.map((_, i) => i));
      }),
      { numRuns: 50 },
    );
  });

  it('makes the producer wait when more than maxPending commits are outstanding', async () => {
    const q = new CommitQueue(async () => {}, 1);
    const b1 = deferred();
    await q.push([{ topic: 't', partition: 0, offset: 1 }], b1.promise);
    let second = false;
    const p = q.push([{ topic: 't', partition: 0, offset: 2 }], Promise.resolve()).then(() => {
      second = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBe(false);
    b1.resolve();
    await p;
    expect(second).toBe(true);
  });

  it('a failed barrier stops later commits and surfaces the error', async () => {
    const committed: number[] = [];
    const q = new CommitQueue(async (o) => {
      committed.push(o[0]!.offset);
    }, 10);
    await q.push([{ topic: 't', partition: 0, offset: 1 }], Promise.resolve());
    await q.push([{ topic: 't', partition: 0, offset: 2 }], Promise.reject(new Error('sink down')));
    await q.push([{ topic: 't', partition: 0, offset: 3 }], Promise.resolve()).catch(() => {});
    await expect(q.settled()).rejects.toThrow('sink down');
    expect(committed).toEqual([1]);
  });
});
