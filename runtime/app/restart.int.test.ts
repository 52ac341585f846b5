import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { topicSpecs } from '../bus/index.ts';
import { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { createTestDatabase, type TestDatabase } from '../db/test-db.ts';
import { createEnvelopePublisher } from '../producer/publisher.ts';
import { replayFile } from '../producer/replay.ts';
import { type CliProcess, startCli, waitFor } from '../testing/cli-process.ts';
import { fetchMetric } from '../testing/metrics-text.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS is not set: start Kafka with runtime/services/kafka.sh');

const labels = JSON.parse(
  readFileSync(new URL('../../fixtures/opensky_nyc_sample.labels.json', import.meta.url), 'utf8'),
);
const EXPECTED_ACCEPTED: number = labels.counts.expected_results.accepted;

// SIGTERM a processor in the middle of a replay on Kafka + PostGIS, start it again: the graceful
// stop drained the actors, flushed the sink and committed, so history ends with every accepted
// update exactly once.
describe('graceful stop and restart on Kafka + PostGIS', () => {
  const id = randomBytes(3).toString('hex');
  let db: TestDatabase;
  const procs: CliProcess[] = [];
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop(10_000)));
    await db?.drop();
  });

  it('history has every accepted update exactly once', async () => {
    db = await createTestDatabase(`restart_${id}`);
    const env = {
      KAFKA_BROKERS: brokers,
      KAFKA_GROUP_ID: `restart-${id}`,
      TOPIC_STATE: `restart-${id}.state`,
      TOPIC_UPDATES: `restart-${id}.updates`,
      TOPIC_TRACKS: `restart-${id}.tracks`,
      TOPIC_ANOMALIES: `restart-${id}.anomalies`,
      TOPIC_DLQ: `restart-${id}.dlq`,
      DATABASE_URL: db.url,
      SINK_FLUSH_MS: '200',
      HTTP_PORT: '18035',
    };
    const bus = new KafkaBus({
      brokers: brokers.split(','),
      clientId: `restart-test-${id}`,
      logLevel: 'nothing',
    });
    await bus.ensureTopics(Object.values(topicSpecs(env as never)));
    const first = startCli(['process', '--no-edge'], env);
    procs.push(first);
    await waitFor(
      'partitions assigned',
      () => (first.output().includes('partitions assigned') ? true : undefined),
      60_000,
    );

    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: env.TOPIC_STATE, updates: env.TOPIC_UPDATES },
    });
    const replay = replayFile({
      file: 'fixtures/opensky_nyc_sample.jsonl',
      speed: 150,
      loop: false,
      publisher,
    });

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const historyRows = async () =>
      Number((await client.query('SELECT count(*) AS n FROM flights_history')).rows[0].n);
    // Stop it once part of the stream is in the database.
    await waitFor(
      'some history',
      async () => ((await historyRows()) > 2_000 ? true : undefined),
      60_000,
      100,
    );
    // A processor without an edge still serves its metrics (polled: the router hands its counts
    // to prom-client in bulk, at most about a second after the history rows it counts).
    const acceptedSoFar = await waitFor(
      'the metrics server to count the accepted updates',
      async () => {
        const n = await fetchMetric('http://127.0.0.1:18035', 'skysentinel_updates_total', {
          result: 'accepted',
        });
        return n > 2_000 ? n : undefined;
      },
      20_000,
      200,
    );
    expect(acceptedSoFar).toBeGreaterThan(2_000);
    // SIGTERM: drain, flush, commit, exit 0 (the process's own shutdown deadline is what bounds
    // its time; a grace this long only catches a hang, not a slow machine).
    expect(await first.stop(30_000), first.output().slice(-2000)).toBe(0);
    const afterStop = await historyRows();
    expect(afterStop).toBeGreaterThan(2_000);
    expect(afterStop).toBeLessThan(EXPECTED_ACCEPTED);

    const second = startCli(['process', '--no-edge'], env);
    procs.push(second);
    await replay;
    await waitFor(
      'history to hold every accepted update',
      async () => ((await historyRows()) >= EXPECTED_ACCEPTED ? true : undefined),
      120_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 1_500)); // anything extra would land by now
    const { rows } = await client.query(
      'SELECT count(*) AS n, count(DISTINCT (icao24, ts)) AS distinct_n FROM flights_history',
    );
    expect(Number(rows[0].n)).toBe(EXPECTED_ACCEPTED);
    expect(Number(rows[0].distinct_n)).toBe(EXPECTED_ACCEPTED);
    await client.end();
    await bus.close();
  });
});
