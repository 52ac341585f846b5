// Exit 0 when the Kafka broker at argv[2] answers a metadata request and lists at least one
// broker (in KRaft a broker shows up only once it is unfenced). Used by kafka.sh.
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
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.listTopics();
  if (cluster.brokers.length === 0) throw new Error('no broker in metadata');
  process.exitCode = 0;
} catch (err) {
  console.error(String(err));
  process.exitCode = 1;
} finally {
  await admin.disconnect().catch(() => {});
}
