import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactOutcome, type FaultWorld, openFaultWorld, outcomeFigures } from './fault-world.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import {
  servicesFromEnv,
  sleep,
  untilAssigned,
  untilCaughtUp,
  untilMetrics,
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
const { brokers } = servicesFromEnv({ kafka: true });

let world: FaultWorld | null = null;
beforeAll(async () => {
  await ownPostgres.start(false); // a fresh cluster of this file's own
});
afterAll(async () => {
  await ownPostgres.start(true).catch(() => {}); // in case the test failed while it was down
  await world?.close();
  await ownPostgres.stop();
});

describe('PostgreSQL stopped for 20 s mid-stream', () => {
  it('the sink retries, the consumer pauses (bounded), nothing lost or duplicated', {
    timeout: 300_000,
  }, async () => {
    const w = await openFaultWorld({ label: 'pg', brokers, databaseUrl: ownPostgresUrl });
    world = w;
    const { x, names, bus } = w;
    const proc = w.startProcessor(PORT, { SINK_BATCH_ROWS: String(SINK_BATCH_ROWS) });
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

    const outcome = await expectExactOutcome(w, replay.shiftMs());
    // One process, no rejoin: each update counted once. Read until the counters settle (the last
    // sample of the watcher may predate the router's final hand-over to prom-client).
    const settled = await untilMetrics(PORT, `accepted = ${x.accepted}`, (m) => m.accepted >= x.accepted);
    expect(settled.accepted).toBe(x.accepted);

    expect(await proc.stop(15_000), proc.output()).toBe(0);
    recordFigures({
      test: 'postgres-restart',
      fault: `PostgreSQL stopped at ${outage.publishedAtStop.toLocaleString('en-US')} published (replay 50x) for 20 s, restarted with its data`,
      published: result.published,
      ...outcomeFigures(w, outcome),
      recoveryS,
      notes: `during the outage: ${publishedDuring.toLocaleString('en-US')} published, ${acceptedGrowth.toLocaleString('en-US')} processed (sink buffer ${MAX_BUFFERED_ROWS.toLocaleString('en-US')} rows), bus lag up to ${maxLag.toLocaleString('en-US')}, RSS up to ${maxRssMb.toFixed(0)} MB, ${settled.sinkErrors} sink errors retried; anomaly ids exact`,
      date: today(),
    });
  });
});
