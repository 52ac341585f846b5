/**
 * The bus benchmark's round trip (shared by bus.bench.ts and round-trip-probe.ts): synthetic
 * envelopes serialised up front, published flat out or paced, consumed in a fresh group that
 * commits every batch, latency from ingest_ts (stamped at publish) to the consumer.
 */
import { SyntheticFleet } from '../../producer/synthetic.ts';
import type { Bus, PublishRecord } from '../bus.ts';

export const KEYS = 20_000;
const SEND_BATCH = 10_000;
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export type Log = (msg: string) => void;

/**
 * KEYS aircraft x STEPS steps of synthetic traffic, serialised without the closing brace and cycled
 * through (keeping 1M distinct strings alive would make the benchmark mostly about GC).
 */
const STEPS = 5;
export function prepare(): { keys: string[]; heads: string[] } {
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
  const b = value as Uint8Array;
  const end = b.length - 1;
  let start = end;
  while (start > 0 && b[start - 1]! >= 48 && b[start - 1]! <= 57) start--;
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (b[i]! - 48);
  return n;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export interface RunResult {
  messages: number;
  seconds: number;
  msgsPerS: number;
  producerMsgsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** This process's CPU time (user + system) per message, producer and consumer together. */
  cpuUsPerMsg: number;
  /** Batches handed to eachBatch (each one commit). */
  batches: number;
}

/** Publishes `count` envelopes (at `ratePerS`, or flat out) and consumes them in a fresh group. */
export async function run(
  log: Log,
  bus: Bus,
  data: { keys: string[]; heads: string[] },
  count: number,
  ratePerS?: number,
): Promise<RunResult> {
  const topic = `bench.updates.${Date.now().toString(36)}`;
  await bus.ensureTopics([{ name: topic, partitions: 6, config: {} }]);
  const latencies = new Float64Array(count);
  let received = 0;
  let batches = 0;
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
      batches++;
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
    batches,
  };
}
