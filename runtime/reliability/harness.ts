import { randomBytes } from 'node:crypto';
import type { Bus, BusMessage } from '../bus/bus.ts';
import { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { topicSpecs } from '../bus/topics.ts';
import { createClient } from '../db/pool.ts';
import { type CliProcess, startCli, waitFor } from '../testing/cli-process.ts';
import type { FixtureExpectations } from './fixture.ts';

/**
 * The shared services' addresses from the environment (`npm test` sets them): a clear error when
 * they are missing, never a skipped test.
 */
export function servicesFromEnv(
  need: { kafka?: boolean; postgres?: boolean } = { kafka: true, postgres: true },
) {
  const brokers = process.env.KAFKA_BROKERS ?? '';
  const databaseUrl = process.env.DATABASE_URL ?? '';
  const missing = [
    need.kafka && !brokers ? 'KAFKA_BROKERS' : null,
    need.postgres && !databaseUrl ? 'DATABASE_URL' : null,
  ].filter((v) => v !== null);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} must be set: source runtime/services/env.sh (services started)`,
    );
  }
  return { brokers, databaseUrl };
}

/** Topic names and a group id of one test's own, so tests never see each other's messages. */
export function uniqueNames(test: string) {
  const id = `${test}-${randomBytes(3).toString('hex')}`;
  return {
    id,
    group: `rel-${id}`,
    topics: {
      state: `rel-${id}.state`,
      updates: `rel-${id}.updates`,
      tracks: `rel-${id}.tracks`,
      anomalies: `rel-${id}.anomalies`,
      dlq: `rel-${id}.dlq`,
    },
  };
}

export type Names = ReturnType<typeof uniqueNames>;

/**
 * Creates the test's topics (contract configs) before any processor starts, and waits until the
 * broker serves their metadata. KRaft publishes a new topic's metadata a moment after creating it,
 * and kafkajs' createTopics({waitForLeaders}) only retries LEADER_NOT_AVAILABLE: on a fresh broker
 * it can throw UNKNOWN_TOPIC_OR_PARTITION, which makes `skysentinel process` exit 70 at start-up
 * (reported; see docs/reliability.md). Retried here so the fault tests test their fault.
 */
export async function createTopicsSettled(bus: Bus, names: Names, timeoutMs = 30_000): Promise<void> {
  const specs = Object.values(
    topicSpecs({
      TOPIC_STATE: names.topics.state,
      TOPIC_UPDATES: names.topics.updates,
      TOPIC_TRACKS: names.topics.tracks,
      TOPIC_ANOMALIES: names.topics.anomalies,
      TOPIC_DLQ: names.topics.dlq,
    }),
  );
  await waitFor(
    'the test topics to be created and served',
    async () => {
      await bus.ensureTopics(specs);
      for (const s of specs) {
        if ((await bus.describeTopic(s.name))?.partitions !== s.partitions) return undefined;
        await bus.watermarks(s.name);
      }
      return true;
    },
    timeoutMs,
    250,
  );
}

/** A bus for the test itself (producer, admin, topic reader); quiet: the faults make kafkajs loud. */
export const testBus = (brokers: string) =>
  new KafkaBus({ brokers: [brokers], clientId: 'reliability-test', logLevel: 'nothing' });

export interface ProcessorSpec {
  brokers: string;
  databaseUrl: string;
  names: Names;
  httpPort: number;
  env?: Record<string, string>;
}

/** `skysentinel process` (edge on `httpPort` for /metrics) as a child, configured only through env. */
export function startProcessorCli(s: ProcessorSpec): CliProcess {
  return startCli(['process'], {
    KAFKA_BROKERS: s.brokers,
    DATABASE_URL: s.databaseUrl,
    KAFKA_GROUP_ID: s.names.group,
    KAFKA_CLIENT_ID: `rel-${s.names.id}`,
    TOPIC_STATE: s.names.topics.state,
    TOPIC_UPDATES: s.names.topics.updates,
    TOPIC_TRACKS: s.names.topics.tracks,
    TOPIC_ANOMALIES: s.names.topics.anomalies,
    TOPIC_DLQ: s.names.topics.dlq,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(s.httpPort),
    SINK_FLUSH_MS: '100',
    SINK_BATCH_ROWS: '2000',
    LOG_LEVEL: 'info',
    ...s.env,
  });
}

/** Resolves once the child logged its partition assignment (it has joined the group). */
export async function untilAssigned(p: CliProcess, nth = 1, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    'the processor to be assigned its partitions',
    () => {
      if (p.child.exitCode !== null) throw new Error(`processor exited ${p.child.exitCode}:\n${p.output()}`);
      return (p.output().match(/"msg":"partitions assigned"/g)?.length ?? 0) >= nth ? true : undefined;
    },
    timeoutMs,
    100,
  );
}

export interface ProcessorMetrics {
  accepted: number;
  invalid: number;
  duplicate: number;
  outOfOrder: number;
  implausible: number;
  rssBytes: number;
  lag: number;
  sinkErrors: number;
}

export async function scrapeMetrics(port: number): Promise<ProcessorMetrics> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!res.ok) throw new Error(`/metrics: HTTP ${res.status}`);
  const text = await res.text();
  const sum = (re: RegExp) => {
    let n = 0;
    for (const m of text.matchAll(re)) n += Number(m[1]);
    return n;
  };
  const result = (r: string) =>
    sum(new RegExp(`^skysentinel_updates_total\\{result="${r}"\\} (\\S+)$`, 'gm'));
  return {
    accepted: result('accepted'),
    invalid: result('invalid'),
    duplicate: result('duplicate'),
    outOfOrder: result('out_of_order'),
    implausible: result('implausible'),
    rssBytes: sum(/^process_resident_memory_bytes (\S+)$/gm),
    lag: sum(/^skysentinel_bus_lag\{[^}]*\} (\S+)$/gm),
    sinkErrors: sum(/^skysentinel_sink_errors_total (\S+)$/gm),
  };
}

/**
 * Polls a processor's /metrics until `settled` holds (counters settle: the router hands its counts
 * to prom-client in bulk, at most about a second late). On time-out the error shows the last
 * metrics seen, so a failure says how far off they were.
 */
export async function untilMetrics(
  port: number,
  what: string,
  settled: (m: ProcessorMetrics) => boolean,
  timeoutMs = 20_000,
): Promise<ProcessorMetrics> {
  const until = Date.now() + timeoutMs;
  let last: ProcessorMetrics | Error | null = null;
  for (;;) {
    try {
      last = await scrapeMetrics(port);
      if (settled(last)) return last;
    } catch (e) {
      last = e as Error;
    }
    if (Date.now() >= until) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last /metrics: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    }
    await sleep(200);
  }
}

/** Polls a processor's /metrics while it lives; keeps every sample (the last survives a kill). */
export function watchMetrics(port: number, everyMs = 250) {
  const samples: Array<ProcessorMetrics & { atMs: number }> = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        samples.push({ ...(await scrapeMetrics(port)), atMs: Date.now() });
      } catch {
        // not up yet, or gone: the samples so far stand
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    last: () => samples.at(-1),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Resolves once the group has committed every partition of `topic` up to its high watermark. On
 * time-out the error carries the processors' warnings and errors (the why).
 */
export async function untilCaughtUp(
  bus: Bus,
  group: string,
  topic: string,
  timeoutMs = 120_000,
  procs: CliProcess[] = [],
) {
  try {
    await waitFor(
      `group ${group} to commit all of ${topic}`,
      async () => {
        const [high, committed] = await Promise.all([bus.watermarks(topic), bus.committed(group, topic)]);
        const behind = high.filter(
          (h) => h.high > 0 && (committed.find((c) => c.partition === h.partition)?.offset ?? -1) < h.high,
        );
        return behind.length === 0 ? true : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (e) {
    const why = procs
      .map((p) =>
        p
          .output()
          .split('\n')
          .filter((l) => /"level":(40|50|60)|"level":"(ERROR|WARN)"|Error/.test(l)),
      )
      .map((lines) => [...lines.slice(0, 10), '...', ...lines.slice(-15)].join('\n'))
      .join('\n----\n');
    throw new Error(`${String(e)}\nprocessor log (warnings, errors):\n${why}`);
  }
}

export interface HistoryCheck {
  rows: number;
  duplicateKeys: number;
  /** Expected (icao24, ts) not stored. */
  missing: number;
  /** Stored rows whose (icao24, ts) is not an accepted update of the fixture. */
  unexpected: number;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = createClient(url);
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

/** flights_history against the fixture's accepted updates shifted by `shiftMs`. */
export async function checkHistory(
  url: string,
  x: FixtureExpectations | null,
  shiftMs = 0,
): Promise<HistoryCheck> {
  const rows = await query<{ icao24: string; ts_ms: string }>(
    url,
    'SELECT icao24, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms FROM flights_history',
  );
  const stored = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.icao24}:${r.ts_ms}`;
    stored.set(k, (stored.get(k) ?? 0) + 1);
  }
  let duplicateKeys = 0;
  for (const n of stored.values()) if (n > 1) duplicateKeys++;
  if (!x) return { rows: rows.length, duplicateKeys, missing: 0, unexpected: 0 };
  const expected = new Set(x.acceptedKeys.map((k) => `${k.icao24}:${k.tsMs + shiftMs}`));
  let missing = 0;
  for (const k of expected) if (!stored.has(k)) missing++;
  let unexpected = 0;
  for (const k of stored.keys()) if (!expected.has(k)) unexpected++;
  return { rows: rows.length, duplicateKeys, missing, unexpected };
}

export interface AnomalyRow {
  id: string;
  type: string;
  icao24: string;
  phase: string;
}

export const anomalyRows = (url: string) =>
  query<AnomalyRow>(url, 'SELECT id, type, icao24, phase FROM anomalies ORDER BY id');

export interface AnomalyCheck {
  expected: number;
  /** Expected anomalies stored (ids are the primary key, so each at most once). */
  found: number;
  missing: string[];
  /** Stored rows that are not expected. */
  unexpected: string[];
}

/**
 * The anomalies table against the expected ids (see fixture.ts expectedAnomalyIds). Exact,
 * signal_lost included: the actors keep a feed clock per partition (signal-lost-catch-up.test.ts),
 * so uneven catch-up across partitions makes no spurious silences.
 */
export function checkAnomalies(rows: AnomalyRow[], expectedIds: string[]): AnomalyCheck {
  const ids = new Set(rows.map((r) => r.id));
  const want = new Set(expectedIds);
  return {
    expected: expectedIds.length,
    found: expectedIds.filter((id) => ids.has(id)).length,
    missing: expectedIds.filter((id) => !ids.has(id)),
    unexpected: rows.filter((r) => !want.has(r.id)).map((r) => r.id),
  };
}

/** Every message now in `topic` (all partitions, up to the current high watermarks). */
export async function readTopic(bus: Bus, topic: string, timeoutMs = 60_000): Promise<BusMessage[]> {
  const high = await bus.watermarks(topic);
  const total = high.reduce((n, w) => n + (w.high - w.low), 0);
  const got: BusMessage[] = [];
  if (total === 0) return got;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => {
    resolveAll = r;
  });
  const consumer = await bus.consume({
    groupId: `rel-reader-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    fromBeginning: true,
    eachBatch: async (batch) => {
      got.push(...batch.messages);
      if (got.length >= total) resolveAll();
    },
  });
  try {
    await Promise.race([
      all,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`read ${got.length} of ${total} messages of ${topic}`)), timeoutMs),
      ),
    ]);
  } finally {
    await consumer.stop();
  }
  return got;
}

/** Sleeps; a small helper so fault timelines read top to bottom. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
