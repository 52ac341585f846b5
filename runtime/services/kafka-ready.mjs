// Exit 0 when the Kafka broker at argv[2] answers a metadata request and lists at least one
// broker (in KRaft a broker shows up only once it is unfenced) and its group coordinator is
// and transaction coordinators are loaded (so a test's first consumer group or idempotent
// producer does not race them). Used by kafka.sh.
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const brokers = (process.argv[2] ?? '127.0.0.1:19092').split(',');
const kafka = new Kafka({
  clientId: 'skysentinel-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 4000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  retry: { retries: 1, initialRetryTime: 100 },
});
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) throw new Error('no broker in metadata');
  await admin.listTopics();
  await admin.describeGroups(['skysentinel-ready']);
  await producer.connect(); // InitProducerId
  process.exitCode = 0;
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
}
