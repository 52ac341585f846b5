import fc from 'fast-check';
import kafkajs, { type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KeyPartitioner } from './kafka-partitioner.ts';

const meta = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

describe('KeyPartitioner', () => {
  it('places keyed messages like kafkajs DefaultPartitioner (string and Buffer keys)', () => {
    const ours = KeyPartitioner();
    const theirs = kafkajs.Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (k, asBuffer, n) => {
          const message = { key: asBuffer ? Buffer.from(k) : k, value: 'v' };
          const args = { topic: 't', partitionMetadata: meta(n), message };
          expect(ours(args)).toBe(theirs(args));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps an explicit partition and round-robins keyless messages over partitions with a leader', () => {
    const p = KeyPartitioner();
    expect(
      p({ topic: 't', partitionMetadata: meta(6), message: { key: 'abc', value: 'v', partition: 4 } }),
    ).toBe(4);
    const seen = new Set<number>();
    for (let i = 0; i < 12; i++) {
      seen.add(p({ topic: 't', partitionMetadata: meta(6, [2, 5]), message: { key: null, value: 'v' } }));
    }
    expect([...seen].sort()).toEqual([0, 1, 3, 4]);
  });
});
