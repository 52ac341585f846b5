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
import { KEYS, prepare, type RunResult, run } from './bench/round-trip.ts';
import { EmbeddedBus } from './embedded/embedded-bus.ts';
import { KafkaBus } from './kafka/kafka-bus.ts';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const only = process.env.BENCH_ONLY; // 'embedded' | 'kafka'
/** BENCH_PROBE=0 skips the producer-only child processes, BENCH_PACED=0 the paced runs (profiling). */
const probe = process.env.BENCH_PROBE !== '0';
/** Messages per stock / fast-path round trip in the A/B child processes (0 skips them). */
const abMessages = Number(process.env.BENCH_AB_MESSAGES ?? 300_000);
const runPaced = process.env.BENCH_PACED !== '0';

function log(msg: string) {
  console.log(`[bench:bus ${new Date().toISOString().slice(11, 19)}] ${msg}`);
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

/**
 * Round trips (producer and consumer in one process) on stock kafkajs and with the fast path, in
 * child processes, alternated twice: the same-run ratio is the figure a noisy machine allows.
 */
function roundTripProbe() {
  const script = fileURLToPath(new URL('./bench/round-trip-probe.ts', import.meta.url));
  const runs: Record<string, unknown>[] = [];
  for (let round = 0; round < 2; round++) {
    for (const mode of ['stock', 'fast']) {
      const text = execFileSync(process.execPath, ['--import', 'tsx', script, mode], {
        env: { ...process.env, PROBE_MESSAGES: String(abMessages) },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const r = JSON.parse(text.trim().split('\n').at(-1)!) as Record<string, unknown>;
      log(
        `  round trip [${mode}]: ${r.msgsPerS} msg/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.cpuUsPerMsg} us CPU/msg`,
      );
      runs.push(r);
    }
  }
  return runs;
}

const loadAverage = async () => (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10);

async function main() {
  log(`preparing ${TOTAL} envelopes over ${KEYS} keys`);
  const data = prepare();
  const out: Record<string, unknown> = {
    messages: TOTAL,
    keys: KEYS,
    cpus: (await import('node:os')).cpus().length,
    loadAverageAtStart: await loadAverage(),
  };

  // Kafka first: its in-process run should not inherit the embedded run's heap.
  if (only !== 'embedded') {
    const script = fileURLToPath(new URL('../services/kafka.sh', import.meta.url));
    log('starting Kafka (runtime/services/kafka.sh start; no-op when running)');
    execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
    const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:19092').split(',');
    if (probe) out.kafkaProducerOnly = producerProbe();
    if (abMessages > 0) out.kafkaRoundTripStockVsFast = roundTripProbe();
    const bus = new KafkaBus({ brokers, clientId: 'bench-bus', logLevel: 'error' });
    log('kafka: flat out');
    const flat = await run(log, bus, data, TOTAL);
    log(
      `kafka: ${flat.msgsPerS} msg/s (producer ${flat.producerMsgsPerS}), p50 ${flat.p50Ms} ms, p99 ${flat.p99Ms} ms, ${flat.cpuUsPerMsg} us CPU/msg`,
    );
    let paced20k: RunResult | undefined;
    if (runPaced) {
      log('kafka: paced at 20,000 msg/s');
      paced20k = await run(log, bus, data, 200_000, 20_000);
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
  if (only !== 'kafka') {
    log('embedded bus: flat out');
    const bus = new EmbeddedBus({ maxRecordsPerPartition: TOTAL });
    const flat = await run(log, bus, data, TOTAL);
    log(`embedded: ${flat.msgsPerS} msg/s, p50 ${flat.p50Ms} ms, p99 ${flat.p99Ms} ms`);
    log('embedded bus: paced at 100,000 msg/s');
    const paced = await run(log, bus, data, 200_000, 100_000);
    log(`embedded paced: ${paced.msgsPerS} msg/s, p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms`);
    await bus.close();
    out.embedded = { flatOut: flat, paced100k: paced };
  }

  out.loadAverageAtEnd = await loadAverage();
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
