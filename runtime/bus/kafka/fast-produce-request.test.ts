import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeProduceRequest, fastProduceRequestV3, type ProduceArgs } from './fast-produce-request.ts';
import { original } from './kafkajs-fast-path.ts';
import { Long } from './kafkajs-internals.ts';

const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  // record bodies past 8191 bytes take a 3-byte length prefix
  { weight: 1, arbitrary: fc.nat({ max: 1000 }).map((n) => 'x'.repeat(8100 + n)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('é', '€', '𝄞', 'a'), maxLength: 80 }) },
);
const bytesOrText = fc.oneof(
  fc.constant(null),
  text,
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const message = fc.record(
  {
    key: bytesOrText,
    value: bytesOrText,
    headers: fc.oneof(
      fc.constant({}),
      fc.dictionary(
        fc.string({ maxLength: 5 }),
        fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 })),
      ),
    ),
    timestamp: fc.oneof(
      fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
      fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }).map(String),
    ),
  },
  { requiredKeys: ['key', 'value'] },
);
const partition = fc.record(
  {
    partition: fc.integer({ min: 0, max: 100 }),
    firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    messages: fc.array(message, { maxLength: 12 }),
  },
  { requiredKeys: ['partition', 'messages'] },
);
const args: fc.Arbitrary<ProduceArgs> = fc.record(
  {
    acks: fc.constantFrom(-1, 0, 1),
    timeout: fc.integer({ min: 0, max: 60_000 }),
    transactionalId: fc.option(fc.string({ maxLength: 20 })),
    producerId: fc.oneof(
      fc.constant(-1),
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.bigInt({ min: 0n, max: 2n ** 62n }).map((b) => b.toString()),
      fc.integer({ min: 0, max: 1000 }).map((n) => Long.fromValue(n)),
    ),
    producerEpoch: fc.integer({ min: 0, max: 32_767 }),
    topicData: fc.array(
      fc.record({
        topic: fc.string({ minLength: 1, maxLength: 30 }),
        partitions: fc.array(partition, { maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { requiredKeys: ['acks', 'timeout', 'topicData'] },
);

describe('fast produce request v3', () => {
  beforeEach(() => {
    // kafkajs stamps Date.now() into every batch: both encoders must see the same clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_123);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the bytes of kafkajs produce/v3/request.js', async () => {
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        const stock = await original.produceRequestV3(a).encode();
        const fast = encodeProduceRequest(a, original.record);
        expect(fast.buffer).toEqual(stock.buffer);
      }),
      { numRuns: 150 },
    );
  });

  it('writes plain records itself (kafkajs record encoder not called)', async () => {
    const a: ProduceArgs = {
      acks: -1,
      timeout: 30_000,
      producerId: 42,
      topicData: [
        {
          topic: 'flights.updates',
          partitions: [0, 1, 2].map((partition) => ({
            partition,
            firstSequence: partition * 100,
            messages: Array.from({ length: 40 }, (_, i) => ({ key: `a${i}`, value: `{"n":${i}}`.repeat(i) })),
          })),
        },
      ],
    };
    const fast = encodeProduceRequest(a, () => {
      throw new Error('fell back to kafkajs');
    });
    expect(fast.buffer).toEqual((await original.produceRequestV3(a).encode()).buffer);
  });

  it('keeps the request object and hands compressed requests to kafkajs', async () => {
    const make = fastProduceRequestV3(original.produceRequestV3, original.record);
    const a: ProduceArgs = {
      acks: -1,
      timeout: 30_000,
      compression: 1, // gzip
      topicData: [
        { topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v'.repeat(500) }] }] },
      ],
    };
    const fast = make(a);
    const stock = original.produceRequestV3(a);
    expect({ ...fast, encode: null }).toMatchObject({
      ...stock,
      encode: null,
      expectResponse: expect.any(Function),
    });
    expect(fast.expectResponse()).toBe(true);
    expect((await fast.encode()).buffer).toEqual((await stock.encode()).buffer);
    expect(make({ ...a, acks: 0 }).expectResponse()).toBe(false);
  });
});
