import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupMessagesPerPartition, kafkajsFastPath } from './kafkajs-fast-path.ts';

describe('kafkajs fast path', () => {
  it('is installed for the pinned kafkajs', () => {
    expect(kafkajsFastPath).toEqual({
      produce: true,
      frame: true,
      grouping: true,
      fetch: true,
      batch: true,
      reason: 'patched',
    });
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
