/**
 * One Kafka round trip (producer and consumer in this process, bench/round-trip.ts) over KafkaBus,
 * with the kafkajs fast path (`fast`) or on stock kafkajs (`stock`: kafkajs and the modules it loads
 * lazily are loaded before KafkaBus, so the fast path finds them loaded and stays off). bus.bench.ts
 * runs both alternately in child processes; the last line is one JSON object.
 * Usage: tsx runtime/bus/bench/round-trip-probe.ts stock|fast   (PROBE_MESSAGES, default 300,000)
 */
import { createRequire } from 'node:module';
import { kafkajsPath } from '../kafka/kafkajs-internals.ts';
import { prepare, run } from './round-trip.ts';

const mode = process.argv[2];
if (mode !== 'stock' && mode !== 'fast') throw new Error('usage: round-trip-probe.ts stock|fast');
if (mode === 'stock') {
  const require = createRequire(import.meta.url);
  require('kafkajs');
  for (const v of [4, 5, 6, 7]) require(kafkajsPath(`src/protocol/requests/produce/v${v}/request.js`));
  require(kafkajsPath('src/protocol/requests/fetch/v4/decodeMessages.js'));
}
const { KafkaBus } = await import('../kafka/kafka-bus.ts');
const { kafkajsFastPath } = await import('../kafka/kafkajs-fast-path.ts');

const N = Number(process.env.PROBE_MESSAGES ?? 300_000);
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');
const log = (msg: string) => console.error(`[round-trip ${mode}] ${msg}`);
// PROBE_FETCH_KIB: the consumer's maxBytesPerPartition in KiB, to compare fetch sizes (default: KafkaBus's).
const fetchKiB = process.env.PROBE_FETCH_KIB ? Number(process.env.PROBE_FETCH_KIB) : undefined;
// PROBE_MIN_BYTES: the consumer's minBytes (default: KafkaBus's).
const minBytes = process.env.PROBE_MIN_BYTES ? Number(process.env.PROBE_MIN_BYTES) : undefined;
const bus = new KafkaBus({
  brokers,
  clientId: `round-trip-${mode}`,
  logLevel: 'error',
  consumer: {
    ...(fetchKiB ? { maxBytesPerPartition: fetchKiB * 1024 } : {}),
    ...(minBytes ? { minBytes } : {}),
  },
});
// PROBE_RATE: publish at this many msg/s instead of flat out (latency under load).
const rate = process.env.PROBE_RATE ? Number(process.env.PROBE_RATE) : undefined;
const r = await run(log, bus, prepare(), N, rate);
const admin = bus.kafka.admin();
await admin.connect();
const topics = (await admin.listTopics()).filter((t) => t.startsWith('bench.updates.'));
await admin.deleteTopics({ topics }).catch(() => {});
await admin.disconnect();
await bus.close();
console.log(JSON.stringify({ kafkajs: mode, fastPath: kafkajsFastPath, fetchKiB, minBytes, rate, ...r }));
