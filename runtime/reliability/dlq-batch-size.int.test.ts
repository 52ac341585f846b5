import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { startIngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { servicesFromEnv, sleep, uniqueNames } from './harness.ts';

/**
 * Found by hostile-messages.int.test.ts: a consumed batch holding many large invalid messages was
 * dead-lettered in ONE publish. Kafka caps a record batch at max.message.bytes (1 MB by default),
 * so the broker refused it (MESSAGE_TOO_LARGE), the barrier failed and the pipeline stopped for
 * good while the process kept running: "the stream never stops" broken by 20 junk messages. The
 * pipeline now dead-letters in slices under that size.
 */
const { brokers } = servicesFromEnv({ kafka: true });
const bus = new KafkaBus({ brokers: [brokers], clientId: 'rel-dlq-size', logLevel: 'nothing' });
afterAll(() => bus.close());

describe('dead-lettering a batch of large invalid messages', () => {
  it('publishes every DLQ record and the stream goes on', async () => {
    const { group, topics } = uniqueNames('dlqsize');
    await bus.ensureTopics([
      { name: topics.updates, partitions: 1, config: {} },
      { name: topics.dlq, partitions: 1, config: {} },
    ]);
    // 40 invalid messages of 60 KB each: ~2.4 MB of DLQ records from what is one or two batches.
    const junk = Array.from({ length: 40 }, (_, i) => ({
      key: 'a00001',
      value: `{"v":1,"x":"${'z'.repeat(60_000)}${i}`,
    }));
    await bus.publish(topics.updates, junk.slice(0, 10));
    await bus.publish(topics.updates, junk.slice(10, 20));
    await bus.publish(topics.updates, junk.slice(20, 30));
    await bus.publish(topics.updates, junk.slice(30));
    const pipeline = await startIngestPipeline({
      bus,
      metrics: createMetrics(),
      groupId: group,
      topics: { updates: topics.updates, dlq: topics.dlq },
      handler: { dispatch: () => {}, drain: async () => {} },
    });
    let failed: unknown = null;
    pipeline.done.catch((e) => {
      failed = e;
    });
    const until = Date.now() + 30_000;
    let committed = -1;
    while (Date.now() < until && failed === null) {
      committed = (await bus.committed(group, topics.updates))[0]?.offset ?? -1;
      if (committed >= 40) break;
      await sleep(200);
    }
    expect(String(failed ?? 'running')).toBe('running');
    expect(committed).toBe(40);
    const dlq = await bus.watermarks(topics.dlq);
    expect(dlq[0]!.high - dlq[0]!.low).toBe(40);
    await pipeline.stop();
  });
});
