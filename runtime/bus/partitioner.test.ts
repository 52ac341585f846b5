import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './partitioner.ts';

// kafkajs's own murmur2 (a Long-based port of the Java client) is the reference.
const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  k: Buffer,
) => number;

describe('partitioner', () => {
  it('murmur2 equals the kafkajs/Java implementation for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 2000 },
    );
  });
  it('maps a key to the same partition as the Kafka default partitioner', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const expected = (kafkajsMurmur2(Buffer.from(key)) & 0x7fffffff) % n;
        expect(partitionForKey(key, n)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
  it('spreads icao24 keys over all partitions', () => {
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[partitionForKey(i.toString(16).padStart(6, '0'), 6)]++;
    for (const c of counts) expect(c).toBeGreaterThan(700);
  });
});
