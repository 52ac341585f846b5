/**
 * Producer-only probe (not a test): sends N envelopes-sized messages through bare kafkajs producers
 * in several configurations, back to back in one process, so their ratios are comparable on a
 * noisy machine. Usage: tsx runtime/bus/bench/producer-probe.ts [variant...]
 */
// --fast: kafkajs with the fast path (runtime/bus/kafka/kafkajs-fast-path.ts); else stock. `bus`
// (KafkaBus) always runs with it: loading stock kafkajs first would leave parts of it off.
const fast = process.argv.includes('--fast') || process.argv.includes('bus');
const kafkajs = fast
  ? (await import('../kafka/kafkajs-fast-path.ts')).kafkajs
  : (await import('kafkajs')).default;
const { Kafka, logLevel, CompressionTypes } = kafkajs;
const N = Number(process.env.PROBE_MESSAGES ?? 200_000);
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');
const kafka = new Kafka({ clientId: 'probe', brokers, logLevel: logLevel.ERROR });
const value = `{"icao24":"a1b2c3","callsign":"UAL123","ts":1700000000000,"lat":40.1,"lon":-73.5,"alt_m":10000,"speed_ms":230.5,"track_deg":87.2,"vrate_ms":0,"on_ground":false,"squawk":"1200","source":"synthetic","last_contact":1700000000000,"ingest_ts":${Date.now()}}`;
const keys = Array.from({ length: 20_000 }, (_, i) => i.toString(16).padStart(6, '0'));

type Variant = {
  name: string;
  producers: number;
  idempotent: boolean;
  inFlight: number;
  sendSize: number;
  concurrency: number;
  buffers?: boolean;
};
const variants: Record<string, Variant> = {
  bare: {
    name: 'bare idempotent, 10k/send, 1 in flight',
    producers: 1,
    idempotent: true,
    inFlight: 1,
    sendSize: 10_000,
    concurrency: 1,
  },
  big: {
    name: 'idempotent, 18k/send',
    producers: 1,
    idempotent: true,
    inFlight: 1,
    sendSize: 18_000,
    concurrency: 1,
  },
  conc: {
    name: 'idempotent, 10k/send, 4 concurrent sends',
    producers: 1,
    idempotent: true,
    inFlight: 5,
    sendSize: 10_000,
    concurrency: 4,
  },
  nonidem: {
    name: 'non-idempotent acks=all, 5 in flight, 4 concurrent 10k sends',
    producers: 1,
    idempotent: false,
    inFlight: 5,
    sendSize: 10_000,
    concurrency: 4,
  },
  buf: {
    name: 'idempotent, 10k/send, Buffer values',
    producers: 1,
    idempotent: true,
    inFlight: 1,
    sendSize: 10_000,
    concurrency: 1,
    buffers: true,
  },
  small: {
    name: 'idempotent, 2k/send',
    producers: 1,
    idempotent: true,
    inFlight: 1,
    sendSize: 2_000,
    concurrency: 1,
  },
  two: {
    name: '2 idempotent producers, 10k/send each',
    producers: 2,
    idempotent: true,
    inFlight: 1,
    sendSize: 10_000,
    concurrency: 2,
  },
};

/** The product path: KafkaBus.publish (fast path, own partitioner), 10k records per call. */
async function runBus() {
  const { KafkaBus } = await import('../kafka/kafka-bus.ts');
  const bus = new KafkaBus({ brokers, clientId: 'probe-bus', logLevel: 'error' });
  const topic = `bench.probe.${Date.now().toString(36)}`;
  await bus.ensureTopics([{ name: topic, partitions: 6, config: {} }]);
  await bus.publish(topic, [{ key: 'warm', value }]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let sent = 0; sent < N; sent += 10_000) {
    const n = Math.min(10_000, N - sent);
    const records = new Array(n);
    for (let j = 0; j < n; j++) records[j] = { key: keys[(sent + j) % keys.length]!, value };
    await bus.publish(topic, records);
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const admin = bus.kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  await bus.close();
  const r = {
    variant: 'KafkaBus.publish (idempotent, acks=all), 10k/call',
    kafkajs: 'fast path',
    msgsPerS: Math.round(N / s),
    cpuUsPerMsg: +((cpu.user + cpu.system) / N).toFixed(2),
  };
  console.log(JSON.stringify(r));
  return r;
}

async function runVariant(v: Variant) {
  const topic = `bench.probe.${Date.now().toString(36)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
  const producers = await Promise.all(
    Array.from({ length: v.producers }, async () => {
      const p = kafka.producer({ idempotent: v.idempotent, maxInFlightRequests: v.inFlight });
      await p.connect();
      return p;
    }),
  );
  const vbuf = Buffer.from(value);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async (w: number) => {
    const p = producers[w % producers.length]!;
    while (next < N) {
      const start = next;
      const n = Math.min(v.sendSize, N - start);
      next += n;
      const messages = new Array(n);
      for (let j = 0; j < n; j++)
        messages[j] = { key: keys[(start + j) % keys.length], value: v.buffers ? vbuf : value };
      await p.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
    }
  };
  await Promise.all(Array.from({ length: v.concurrency }, (_, w) => worker(w)));
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(producers.map((p) => p.disconnect()));
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  const r = {
    variant: v.name,
    kafkajs: fast ? 'fast path' : 'stock',
    msgsPerS: Math.round(N / s),
    cpuUsPerMsg: +((cpu.user + cpu.system) / N).toFixed(2),
  };
  console.log(JSON.stringify(r));
  return r;
}

const args = process.argv.slice(2).filter((a) => a !== '--fast');
const names = args.length ? args : Object.keys(variants);
for (const n of names) await (n === 'bus' ? runBus() : runVariant(variants[n]!));
