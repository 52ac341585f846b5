// Checks that kafkajs (the client SkySentinel uses) works against the broker at argv[2] for
// every feature the project relies on. Used to choose the Kafka version in kafka.sh:
//   node runtime/services/kafka-compat.mjs 127.0.0.1:19092
import kafkajs from 'kafkajs';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
const brokers = (process.argv[2] ?? '127.0.0.1:19092').split(',');
const kafka = new Kafka({ clientId: 'skysentinel-compat', brokers, logLevel: logLevel.WARN });
const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const topic = `compat.updates.${suffix}`;
const compacted = `compat.state.${suffix}`;
const results = [];

async function check(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true, ms: Date.now() - t0, detail });
  } catch (err) {
    results.push({ name, ok: false, ms: Date.now() - t0, detail: String(err?.stack ?? err) });
  }
}

const admin = kafka.admin();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId: `compat-${suffix}`, sessionTimeout: 10_000 });
const t0 = Date.now();
const N = 100;

await admin.connect();
await check('admin.describeCluster', async () => {
  const c = await admin.describeCluster();
  return `brokers=${c.brokers.length} controller=${c.controller}`;
});
await check('admin.createTopics (delete + compact)', async () => {
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic, numPartitions: 6, configEntries: [{ name: 'retention.ms', value: '86400000' }] },
      { topic: compacted, numPartitions: 6, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  if (!created) throw new Error('createTopics returned false');
  return 'ok';
});
await check('admin.describeConfigs cleanup.policy', async () => {
  const r = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: compacted, configNames: ['cleanup.policy'] }],
  });
  const v = r.resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
  if (v !== 'compact') throw new Error(`cleanup.policy=${v}`);
  return `cleanup.policy=${v}`;
});
await check('producer idempotent acks=-1', async () => {
  await producer.connect();
  const messages = Array.from({ length: N }, (_, i) => ({
    key: `a${String(i % 10).padStart(5, '0')}`,
    value: JSON.stringify({ i }),
    timestamp: String(t0 + i),
  }));
  const r = await producer.send({ topic, acks: -1, messages });
  await producer.send({ topic: compacted, acks: -1, messages: messages.slice(0, 10) });
  return `${r.length} partitions written`;
});
await check('consumer group eachBatch + autoCommit false + commitOffsets', async () => {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen}/${N} consumed in 30 s`)), 30_000);
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          for (const m of batch.messages) {
            resolveOffset(m.offset);
            seen++;
          }
          const next = (BigInt(batch.lastOffset()) + 1n).toString();
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
          await heartbeat();
          if (seen >= N) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return `${seen} consumed`;
});
await check('admin.fetchOffsets (committed by group)', async () => {
  const r = await admin.fetchOffsets({ groupId: `compat-${suffix}`, topics: [topic] });
  const total = r[0].partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  if (total !== N) throw new Error(`committed sum ${total} != ${N}`);
  return `committed sum=${total}`;
});
await check('admin.fetchTopicOffsetsByTimestamp', async () => {
  const r = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 50);
  const hi = await admin.fetchTopicOffsets(topic);
  const remaining = hi.reduce((s, p) => s + Number(p.high), 0) - r.reduce((s, p) => s + Number(p.offset), 0);
  if (remaining !== N - 50) throw new Error(`expected ${N - 50} at/after ts, got ${remaining}`);
  return `${remaining} messages at or after ts`;
});
await check('admin.deleteTopics', async () => {
  await admin.deleteTopics({ topics: [topic, compacted] });
  return 'ok';
});
await producer.disconnect().catch(() => {});
await admin.disconnect();

for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${r.ms} ms): ${r.detail}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
