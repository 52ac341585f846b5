import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPartitions, minus } from './assignor.ts';
import { PartitionLog } from './partition-log.ts';

describe('PartitionLog', () => {
  it('gives consecutive offsets and reads from any offset', () => {
    const log = new PartitionLog({ compact: false, maxRecords: 100 });
    for (let i = 0; i < 10; i++) expect(log.append('k', `v${i}`, 1000 + i)).toBe(i);
    expect(log.read(4, 3).map((e) => e.value)).toEqual(['v4', 'v5', 'v6']);
    expect(log.read(10, 3)).toEqual([]);
    expect(log.highWatermark).toBe(10);
  });

  it('drops the oldest beyond maxRecords and moves the low watermark', () => {
    const log = new PartitionLog({ compact: false, maxRecords: 5 });
    for (let i = 0; i < 12; i++) log.append(null, String(i), i);
    expect(log.lowWatermark).toBe(7);
    expect(log.size).toBe(5);
    expect(log.dropped).toBe(7);
    // A reader behind the low watermark resumes at the oldest record still kept.
    expect(log.read(0, 2).map((e) => e.offset)).toEqual([7, 8]);
  });

  it('finds the first offset at or after a timestamp', () => {
    const log = new PartitionLog({ compact: false, maxRecords: 100 });
    for (let i = 0; i < 10; i++) log.append(null, 'x', 1000 + i * 10);
    expect(log.offsetForTime(1035)).toBe(4);
    expect(log.offsetForTime(0)).toBe(0);
    expect(log.offsetForTime(5000)).toBe(10);
  });

  it('compaction keeps exactly the latest record per key, in offset order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer()), { maxLength: 4000 }),
        (ops) => {
          const log = new PartitionLog({ compact: true, maxRecords: 1_000_000 });
          const latest = new Map<string, { offset: number; value: string }>();
          ops.forEach(([k, v]) => {
            const offset = log.append(k, String(v), 0);
            latest.set(k, { offset, value: String(v) });
          });
          log.compact();
          const all = log.read(0, 1_000_000);
          expect(all.map((e) => e.offset)).toEqual(
            [...latest.values()].map((x) => x.offset).sort((x, y) => x - y),
          );
          for (const e of all) expect(latest.get(e.key!)!.value).toBe(e.value);
          expect(log.highWatermark).toBe(ops.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a reader never sees offsets go backwards across compactions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 5000 }), (keys) => {
        const log = new PartitionLog({ compact: true, maxRecords: 1_000_000 });
        let pos = 0;
        let last = -1;
        keys.forEach((k, i) => {
          log.append(`k${k}`, String(i), i);
          if (i % 97 === 0) {
            for (const e of log.read(pos, 50)) {
              expect(e.offset).toBeGreaterThan(last);
              last = e.offset;
              pos = e.offset + 1;
            }
          }
        });
      }),
      { numRuns: 50 },
    );
  });
});

describe('assignPartitions', () => {
  it('gives every partition to exactly one member (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 12 }), (members, partitions) => {
        const out = assignPartitions(members, [{ topic: 't', partitions }]);
        const all = out
          .flat()
          .map((tp) => tp.partition)
          .sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: partitions }, (_, i) => i));
        const sizes = out.map((l) => l.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
  it('minus removes the common partitions', () => {
    const a = [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ];
    expect(minus(a, [{ topic: 't', partition: 1 }])).toEqual([{ topic: 't', partition: 0 }]);
  });
});
