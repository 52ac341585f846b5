import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { createTestDatabase, type TestDatabase } from '../db/test-db.ts';
import type { CliProcess } from '../testing/cli-process.ts';
import { expectedAnomalyIds, fixtureExpectations } from './fixture.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import {
  anomalyRows,
  checkAnomalies,
  checkHistory,
  createTopicsSettled,
  KNOWN_SIGNAL_LOST_CATCH_UP_BUG,
  sleep,
  startProcessorCli,
  testBus,
  uniqueNames,
  untilAssigned,
  untilCaughtUp,
  watchMetrics,
} from './harness.ts';
import { ownPostgres, ownPostgresUrl } from './own-services.ts';
import { recordFigures, today } from './report.ts';

// Fault 3: PostgreSQL (this file's own cluster, port 18650) is stopped for 20 s in the middle of
// a replay and started again with its data. The history sink must retry the same batches, the
// consumer must pause once the sink's buffer is full (memory stays bounded; the backlog waits in
// Kafka), and history and anomalies must come out exact.
const PORT = 18630;
const OUTAGE_MS = 20_000;
const SINK_BATCH_ROWS = 1_000; // the sink buffers at most 4 batches: write() says "full" at 4,000
const MAX_BUFFERED_ROWS = SINK_BATCH_ROWS * 4;
const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS must be set: source runtime/services/env.sh (services started)');

let db: TestDatabase | null = null;
let bus: KafkaBus | null = null;
let proc: CliProcess | null = null;
beforeAll(async () => {
  await ownPostgres.start(false); // a fresh cluster of this file's own
});
afterAll(async () => {
  await proc?.stop(5_000).catch(() => {});
  await bus?.close().catch(() => {});
  await ownPostgres.start(true).catch(() => {}); // in case the test failed while it was down
  await db?.drop().catch(() => {});
  await ownPostgres.stop();
});

describe('PostgreSQL stopped for 20 s mid-stream', () => {
  it('the sink retries, the consumer pauses (bounded), nothing lost or duplicated', {
    timeout: 300_000,
  }, async () => {
    const x = await fixtureExpectations();
    db = await createTestDatabase('rel_pg', ownPostgresUrl);
    const names = uniqueNames('pg');
    bus = testBus(brokers);
    await createTopicsSettled(bus, names);
    proc = startProcessorCli({
      brokers,
      databaseUrl: db.url,
      names,
      httpPort: PORT,
      env: { SINK_BATCH_ROWS: String(SINK_BATCH_ROWS) },
    });
    await untilAssigned(proc);
    const metrics = watchMetrics(PORT, 250);

    const outage = { stoppedAtMs: 0, restartedAtMs: 0, publishedAtStop: 0, publishedAtRestart: 0 };
    const replay = startFixtureReplay({
      bus,
      topics: names.topics,
      speed: 50,
      firstRecordedTsMs: x.firstTsMs,
      faults: [
        {
          atPublished: 6_000,
          run: async () => {
            await ownPostgres.stop();
            outage.stoppedAtMs = Date.now();
            outage.publishedAtStop = replay.published();
            await sleep(OUTAGE_MS);
            outage.publishedAtRestart = replay.published();
            await ownPostgres.start(true);
            outage.restartedAtMs = Date.now();
          },
        },
      ],
    });
    const result = await replay.done;
    await untilCaughtUp(bus, names.group, names.topics.updates, 180_000, [proc]);
    const recoveryS = (Date.now() - outage.restartedAtMs) / 1000;
    await metrics.stop();
    expect(proc.child.exitCode).toBeNull();

    // While the database was down: the sink failed and retried; the actors went on only until the
    // sink's buffer was full, then the consumer paused and the backlog stayed in Kafka.
    const during = metrics.samples.filter(
      (s) => s.atMs >= outage.stoppedAtMs && s.atMs <= outage.restartedAtMs,
    );
    expect(during.length).toBeGreaterThan(10);
    const acceptedGrowth = during.at(-1)!.accepted - during[0]!.accepted;
    const publishedDuring = outage.publishedAtRestart - outage.publishedAtStop;
    expect(publishedDuring).toBeGreaterThan(2 * MAX_BUFFERED_ROWS); // the stream kept coming...
    expect(acceptedGrowth).toBeLessThanOrEqual(2 * MAX_BUFFERED_ROWS); // ...but processing held back
    const maxLag = Math.max(...during.map((s) => s.lag));
    expect(maxLag).toBeGreaterThan(0);
    const maxRssMb = Math.max(...during.map((s) => s.rssBytes)) / 1e6;
    expect(metrics.last()!.sinkErrors).toBeGreaterThan(0);

    const shiftMs = replay.shiftMs();
    const history = await checkHistory(db.url, x, shiftMs);
    expect(history).toEqual({ rows: x.accepted, duplicateKeys: 0, missing: 0, unexpected: 0 });
    expect(metrics.last()!.accepted).toBe(x.accepted); // one process, no rejoin: each update once
    const expectedIds = expectedAnomalyIds(x, shiftMs);
    const anomalies = checkAnomalies(await anomalyRows(db.url), expectedIds);
    expect(anomalies).toMatchObject({ missing: [], unexpected: [] });
    if (!KNOWN_SIGNAL_LOST_CATCH_UP_BUG)
      expect(anomalies).toMatchObject({ found: expectedIds.length, spuriousSignalLost: 0 });

    expect(await proc.stop(15_000), proc.output()).toBe(0);
    recordFigures({
      test: 'postgres-restart',
      fault: `PostgreSQL stopped at ${outage.publishedAtStop.toLocaleString('en-US')} published (replay 50x) for 20 s, restarted with its data`,
      published: result.published,
      accepted: x.accepted,
      historyRows: history.rows,
      duplicates: history.duplicateKeys,
      anomaliesExpected: expectedIds.length,
      anomaliesFound: anomalies.found,
      recoveryS,
      notes: `during the outage: ${publishedDuring.toLocaleString('en-US')} published, ${acceptedGrowth.toLocaleString('en-US')} processed (sink buffer ${MAX_BUFFERED_ROWS.toLocaleString('en-US')} rows), bus lag up to ${maxLag.toLocaleString('en-US')}, RSS up to ${maxRssMb.toFixed(0)} MB, ${metrics.last()!.sinkErrors} sink errors retried; ${KNOWN_SIGNAL_LOST_CATCH_UP_BUG ? `${anomalies.spuriousSignalLost} spurious signal_lost (tolerated)` : 'anomaly ids exact'}`,
      date: today(),
    });
  });
});
