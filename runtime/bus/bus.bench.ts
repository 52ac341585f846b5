/**
 * npm run bench:bus — producer to consumer through the embedded bus and through the real Kafka
 * broker (started via runtime/services/kafka.sh): 1,000,000 envelopes over 20,000 keys, in one
 * process. Reports messages/s and p50/p99 latency from ingest_ts (stamped at publish) to the
 * consumer, first flat out (latency then includes the backlog), then paced at a fixed rate.
 * Not a test; the last line printed is one JSON object of the figures.
 *
 * Envelopes are serialised once up front (the producer's cost being measured is the bus, not
 * JSON.stringify) and ingest_ts is appended at publish; the consumer reads ingest_ts from the raw
 * bytes instead of parsing the whole message (validation has its own bench: bench:contract).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SyntheticFleet } from '../producer/synthetic.ts';
import type { Bus, PublishRecord } from './bus.ts';
import { EmbeddedBus } from './embedded/embedded-bus.ts';
import { KafkaBus } from './kafka/kafka-bus.ts';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const KEYS = 20_000;
const SEND_BATCH = 10_000;
const only = process.env.BENCH_ONLY; // 'embedded' | 'kafka'
/** BENCH_PROBE=0 skips the producer-only child processes, BENCH_PACED=0 the paced runs (profiling). */
const probe = process.env.BENCH_PROBE !== '0';
const runPaced = process.env.BENCH_PACED !== '0';

function log(msg: string) {
  console.log(`[bench:bus ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/**
 * KEYS aircraft x STEPS steps of synthetic traffic, serialised without the closing brace and cycled
 * through (keeping 1M distinct strings alive would make the benchmark mostly about GC).
 */
const STEPS = 5;
function prepare(): { keys: string[]; heads: string[] } {
  const fleet = new SyntheticFleet({ aircraft: KEYS, bbox: [-75.5, 39.8, -72.0, 41.6], seed: 42 });
  const n = KEYS * STEPS;
  const keys: string[] = new Array(n);
  const heads: string[] = new Array(n);
  let i = 0;
  for (let step = 0; i < n; step++) {
    for (const e of fleet.step(1, 1_700_000_000_000 + step * 1000)) {
      if (i >= n) break;
      keys[i] = e.icao24;
      heads[i] = JSON.stringify(e).slice(0, -1);
      i++;
    }
  }
  return { keys, heads };
}

const MARKER = Buffer.from('"ingest_ts":');

/** ingest_ts from the raw message (text or bytes) without a full JSON.parse. */
function ingestTs(value: unknown): number {
  if (typeof value === 'string') {
    // The producer appends ingest_ts last: read the digits back from the closing brace.
    const end = value.length - 1;
    let start = end;
    while (start > 0 && value.charCodeAt(start - 1) >= 48 && value.charCodeAt(start - 1) <= 57) start--;
    let n = 0;
    for (let i = start; i < end; i++) n = n * 10 + (value.charCodeAt(i) - 48);
    return n;
  }
  const b = value as Buffer;
  let at = b.lastIndexOf(MARKER) + MARKER.length;
  let n = 0;
  for (; at < b.length; at++) {
    const c = b[at]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

interface RunResult {
  messages: number;
  seconds: number;
  msgsPerS: number;
  producerMsgsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** This process's CPU time (user + system) per message, producer and consumer together. */
  cpuUsPerMsg: number;
}

/** Publishes `count` envelopes (at `ratePerS`, or flat out) and consumes them in a fresh group. */
async function run(
  bus: Bus,
  data: { keys: string[]; heads: string[] },
  count: number,
  ratePerS?: number,
): Promise<RunResult> {
  const topic = `bench.updates.${Date.now().toString(36)}`;
  await bus.ensureTopics([{ name: topic, partitions: 6, config: {} }]);
  const latencies = new Float64Array(count);
  let received = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => {
    resolveAll = r;
  });
  let commitChain: Promise<void> = Promise.resolve();
  const consumer = await bus.consume({
    groupId: `bench-${topic}`,
    topics: [topic],
    fromBeginning: true,
    eachBatch: async (batch, c) => {
      const now = Date.now();
      for (const m of batch.messages) {
        if (received < count) latencies[received] = now - ingestTs(m.value);
        received++;
      }
      const last = batch.messages[batch.messages.length - 1]!;
      // Commit per batch, pipelined (not awaited), as the ingest pipeline does.
      commitChain = commitChain.then(() =>
        c.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]),
      );
      if (received >= count) resolveAll();
    },
  });
  await new Promise((r) => setTimeout(r, bus.kind === 'kafka' ? 3000 : 10)); // let the group settle

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  const progress = setInterval(() => log(`  sent ${sent}, received ${received}`), 2000);
  while (sent < count) {
    const n = Math.min(SEND_BATCH, count - sent);
    const ts = Date.now();
    const records: PublishRecord[] = new Array(n);
    for (let j = 0; j < n; j++) {
      const i = (sent + j) % data.heads.length;
      records[j] = { key: data.keys[i]!, value: `${data.heads[i]},"ingest_ts":${ts}}` };
    }
    await bus.publish(topic, records);
    sent += n;
    if (ratePerS) {
      const ahead = t0 + (sent / ratePerS) * 1000 - performance.now();
      if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
    }
  }
  const tProduced = performance.now();
  await all;
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  clearInterval(progress);
  await commitChain;
  await consumer.stop();
  const sorted = latencies.slice(0, count).sort();
  const seconds = (t1 - t0) / 1000;
  return {
    messages: count,
    seconds: round(seconds, 2),
    msgsPerS: Math.round(count / seconds),
    producerMsgsPerS: Math.round(count / ((tProduced - t0) / 1000)),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuUsPerMsg: round((cpu.user + cpu.system) / count, 2),
  };
}

/**
 * Producer alone, in child processes (the fast path patches kafkajs process-wide): a bare stock
 * kafkajs idempotent producer (10k messages per send), the same with the fast path, and
 * KafkaBus.publish, alternated twice so their ratio holds on a loaded machine. CPU us per message
 * is the steadier figure when the process gets a fraction of a core.
 */
function producerProbe() {
  const probe = fileURLToPath(new URL('./bench/producer-probe.ts', import.meta.url));
  const runs: Record<string, unknown>[] = [];
  for (let round = 0; round < 2; round++) {
    for (const args of [['bare'], ['bare', '--fast'], ['bus']]) {
      const text = execFileSync(process.execPath, ['--import', 'tsx', probe, ...args], {
        env: { ...process.env, PROBE_MESSAGES: '200000' },
        encoding: 'utf8',
      });
      const r = JSON.parse(text.trim().split('\n').at(-1)!) as Record<string, unknown>;
      log(`  producer only: ${r.variant} [${r.kafkajs}]: ${r.msgsPerS} msg/s, ${r.cpuUsPerMsg} us CPU/msg`);
      runs.push(r);
    }
  }
  return runs;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

async function main() {
  log(`preparing ${TOTAL} envelopes over ${KEYS} keys`);
  const data = prepare();
  const out: Record<string, unknown> = {
    messages: TOTAL,
    keys: KEYS,
    cpus: (await import('node:os')).cpus().length,
  };

  if (only !== 'kafka') {
    log('embedded bus: flat out');
    const bus = new EmbeddedBus({ maxRecordsPerPartition: TOTAL });
    const flat = await run(bus, data, TOTAL);
    log(`embedded: ${flat.msgsPerS} msg/s, p50 ${flat.p50Ms} ms, p99 ${flat.p99Ms} ms`);
    log('embedded bus: paced at 100,000 msg/s');
    const paced = await run(bus, data, 200_000, 100_000);
    log(`embedded paced: ${paced.msgsPerS} msg/s, p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms`);
    await bus.close();
    out.embedded = { flatOut: flat, paced100k: paced };
  }

  if (only !== 'embedded') {
    const script = fileURLToPath(new URL('../services/kafka.sh', import.meta.url));
    log('starting Kafka (runtime/services/kafka.sh start; no-op when running)');
    execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
    const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');
    if (probe) out.kafkaProducerOnly = producerProbe();
    const bus = new KafkaBus({ brokers, clientId: 'bench-bus', logLevel: 'error' });
    log('kafka: flat out');
    const flat = await run(bus, data, TOTAL);
    log(
      `kafka: ${flat.msgsPerS} msg/s (producer ${flat.producerMsgsPerS}), p50 ${flat.p50Ms} ms, p99 ${flat.p99Ms} ms, ${flat.cpuUsPerMsg} us CPU/msg`,
    );
    let paced20k: RunResult | undefined;
    if (runPaced) {
      log('kafka: paced at 20,000 msg/s');
      paced20k = await run(bus, data, 200_000, 20_000);
      log(`kafka paced: ${paced20k.msgsPerS} msg/s, p50 ${paced20k.p50Ms} ms, p99 ${paced20k.p99Ms} ms`);
    }
    // Drop the bench topics so repeated runs do not fill the broker's disk.
    const admin = bus.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('bench.updates.'));
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
    await bus.close();
    out.kafka = { flatOut: flat, paced20k };
  }
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
