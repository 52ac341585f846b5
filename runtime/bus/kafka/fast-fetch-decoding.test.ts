import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastBatchClass, fastRecordBatchDecoder, type KafkaDecoder } from './fast-fetch-decoding.ts';
import { original } from './kafkajs-fast-path.ts';
import { kafkajsModule, Long } from './kafkajs-internals.ts';

const Decoder =
  kafkajsModule<new (b: Buffer) => KafkaDecoder & { canReadBytes(n: number): boolean }>(
    'src/protocol/decoder.js',
  );
const { RecordBatch } = kafkajsModule<{
  RecordBatch(args: Record<string, unknown>): Promise<{ buffer: Buffer }>;
}>('src/protocol/recordBatch/v0/index.js');

const fast = fastRecordBatchDecoder(original.recordBatchDecoder, original.recordDecoder);

const bytesOrText = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)) },
  // record bodies past 8191 bytes have a 3-byte length prefix
  { weight: 1, arbitrary: fc.nat({ max: 200 }).map((n) => 'y'.repeat(8100 + n)) },
);
const record = fc.record({
  key: bytesOrText,
  value: bytesOrText,
  headers: fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 })) },
  ),
  timestampDelta: fc.oneof(
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
  ),
});
const batch = fc.record({
  firstOffset: fc.oneof(fc.nat({ max: 2 ** 40 }), fc.bigInt({ min: 2n ** 53n - 100n, max: 2n ** 62n })),
  firstTimestamp: fc.oneof(
    fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
    fc.bigInt({ min: 2n ** 53n - 100n, max: 2n ** 62n }),
  ),
  records: fc.array(record, { maxLength: 8 }),
  offsetGap: fc.nat({ max: 1000 }),
  transactional: fc.boolean(),
  control: fc.boolean(),
  logAppendTime: fc.boolean(),
  gzip: fc.boolean(),
});

interface BatchSpec {
  firstOffset: number | bigint;
  firstTimestamp: number | bigint;
  records: { key: unknown; value: unknown; headers: Record<string, string>; timestampDelta: number }[];
  offsetGap: number;
  transactional?: boolean;
  control?: boolean;
  logAppendTime?: boolean;
  gzip?: boolean;
}

/** Record batches as the broker returns them, made by kafkajs's own encoders. */
async function encodeBatches(batches: BatchSpec[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const b of batches) {
    const records = b.records.map((r, i) =>
      original.record({
        ...(r as Parameters<typeof original.record>[0]),
        offsetDelta: i * (b.offsetGap + 1),
      }),
    );
    const enc = await RecordBatch({
      compression: b.gzip ? 1 : 0,
      firstOffset: Long.fromValue(b.firstOffset),
      firstTimestamp: b.firstTimestamp,
      maxTimestamp: b.firstTimestamp,
      transactional: b.transactional,
      producerId: Long.fromValue(7),
      lastOffsetDelta: Math.max(0, records.length - 1),
      records,
    });
    const bytes = Buffer.from(enc.buffer);
    // Flags kafkajs's encoder never sets (broker-made batches): control batch, log-append time.
    bytes[22] = bytes[22]! | (b.control ? 0x20 : 0) | (b.logAppendTime ? 0x08 : 0);
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}

/** decodeMessages' loop (fetch/v4): batches until fewer than 49 bytes remain or a partial one. */
async function decodeAll(buf: Buffer, decode: (d: KafkaDecoder) => Promise<unknown>) {
  const d = new Decoder(buf);
  const out: unknown[] = [];
  while (d.canReadBytes(49)) {
    try {
      out.push(await decode(d));
    } catch (e) {
      out.push((e as Error).name);
      break;
    }
  }
  return out;
}

describe('fast fetch decoding', () => {
  it('decodes record batches exactly as kafkajs recordBatch/v0/decoder.js', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 4 }), fc.nat(), async (batches, cut) => {
        const whole = await encodeBatches(batches);
        for (const buf of [whole, whole.subarray(0, whole.length - (cut % Math.min(whole.length, 300)))]) {
          const stock = await decodeAll(buf, original.recordBatchDecoder);
          const mine = await decodeAll(buf, fast);
          expect(mine).toEqual(stock);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('reads plain records itself (kafkajs record decoder not called)', async () => {
    const noFallback = fastRecordBatchDecoder(original.recordBatchDecoder, () => {
      throw new Error('fell back to kafkajs');
    });
    const records = Array.from({ length: 50 }, (_, i) => ({
      key: `k${i}`,
      value: i % 7 === 0 ? null : 'v'.repeat(i * 3),
      headers: {},
      timestampDelta: i * 10 - 100,
    }));
    const buf = await encodeBatches([
      { firstOffset: 12345, firstTimestamp: 1_700_000_000_000, records, offsetGap: 0 },
    ]);
    const mine = await decodeAll(buf, noFallback);
    expect(mine).toEqual(await decodeAll(buf, original.recordBatchDecoder));
    expect((mine[0] as { records: unknown[] }).records).toHaveLength(50);
  });

  it('builds kafkajs Batches with the same fields and answers', () => {
    const FastBatch = fastBatchClass(original.Batch, original.filterAbortedMessages) as unknown as new (
      ...args: unknown[]
    ) => Record<string, unknown> & Record<string, () => unknown>;
    const offset = fc.oneof(fc.nat({ max: 1000 }), fc.bigInt({ min: 2n ** 53n - 5n, max: 2n ** 53n + 5n }));
    fc.assert(
      fc.property(
        fc.array(fc.record({ offset, isControlRecord: fc.boolean() }), { maxLength: 30 }),
        offset,
        (msgs, fetched) => {
          const messages = msgs
            .map((m) => ({
              ...m,
              offset: m.offset.toString(),
              batchContext: { producerId: '1', inTransaction: false },
            }))
            .sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
          const data = { partition: 3, highWatermark: '2000', abortedTransactions: [], messages };
          const stock = new original.Batch('t', fetched.toString(), data) as Record<string, unknown> &
            Record<string, () => unknown>;
          const mine = new FastBatch('t', fetched.toString(), data);
          expect(mine).toBeInstanceOf(original.Batch);
          expect({ ...mine }).toEqual({ ...stock });
          for (const m of [
            'isEmpty',
            'firstOffset',
            'lastOffset',
            'offsetLag',
            'offsetLagLow',
            'isEmptyDueToFiltering',
          ]) {
            expect(mine[m]!()).toEqual(stock[m]!());
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
