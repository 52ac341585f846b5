import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeRecord,
  groupMessagesPerPartition,
  kafkajsFastPath,
  originalRecord,
} from './kafkajs-fast-path.ts';

const bytesOrText = fc.oneof(
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);

describe('kafkajs fast path', () => {
  it('is installed for the pinned kafkajs', () => {
    expect(kafkajsFastPath).toEqual({ record: true, grouping: true, reason: 'patched' });
  });

  it('encodes records byte for byte like kafkajs record/v0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -(2 ** 45), max: 2 ** 45 })),
        bytesOrText,
        bytesOrText,
        (offsetDelta, timestampDelta, key, value) => {
          const args = { offsetDelta, timestampDelta, key, value };
          expect(Buffer.from(encodeRecord(args).buffer)).toEqual(Buffer.from(originalRecord(args).buffer));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('earlier records keep their bytes while later ones fill the slab', () => {
    const first = encodeRecord({ key: 'k', value: 'x'.repeat(1000) });
    const copy = Buffer.from(first.buffer);
    for (let i = 0; i < 2000; i++) encodeRecord({ key: 'k', value: 'y'.repeat(500) });
    expect(Buffer.from(first.buffer)).toEqual(copy);
  });

  it('groups messages per partition in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 200 }), (parts) => {
        const messages = parts.map((p, i) => ({ p, i }));
        const grouped = groupMessagesPerPartition({
          topic: 't',
          partitionMetadata: [{}],
          messages,
          partitioner: ({ message }) => (message as { p: number }).p,
        });
        for (const p of new Set(parts)) {
          expect(grouped[p]).toEqual(messages.filter((m) => m.p === p));
        }
        expect(Object.keys(grouped).length).toBe(new Set(parts).size);
      }),
    );
  });
});
