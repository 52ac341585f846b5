import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactOutcome, type FaultWorld, openFaultWorld, outcomeFigures } from './fault-world.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import { servicesFromEnv, sleep, untilAssigned, untilCaughtUp, untilMetrics } from './harness.ts';
import { ownKafka, ownKafkaBrokers } from './own-services.ts';
import { recordFigures, today } from './report.ts';

// Fault 2: the Kafka broker (this file's own instance, port 18692) is stopped for 20 s in the
// middle of a replay and started again with its data. The replay producer's sends and the
// processor's consumer, commits and anomaly/track publishing all hit the outage; both must
// recover on their own, and history and anomalies must come out exact.
const PORT = 18620;
const OUTAGE_MS = 20_000;
servicesFromEnv({ postgres: true });

let world: FaultWorld | null = null;
beforeAll(async () => {
  await ownKafka.start(false); // a fresh broker of this file's own
});
afterAll(async () => {
  await world?.close();
  await ownKafka.stop();
});

describe('Kafka broker stopped for 20 s mid-stream', () => {
  it('producer and processor recover; every accepted update and labelled anomaly exactly once', {
    timeout: 360_000,
  }, async () => {
    const w = await openFaultWorld({ label: 'broker', brokers: ownKafkaBrokers });
    world = w;
    const { x, names, bus } = w;
    const proc = w.startProcessor(PORT);
    await untilAssigned(proc);

    let stoppedAtMs = 0;
    let restartedAtMs = 0;
    let publishedAtStop = 0;
    const replay = startFixtureReplay({
      bus,
      topics: names.topics,
      speed: 50,
      firstRecordedTsMs: x.firstTsMs,
      faults: [
        {
          atPublished: 6_000,
          run: async () => {
            publishedAtStop = replay.published();
            await ownKafka.stop();
            stoppedAtMs = Date.now();
            await sleep(OUTAGE_MS);
            await ownKafka.start(true);
            restartedAtMs = Date.now();
          },
        },
      ],
    });
    const result = await replay.done;
    expect(result.published).toBe(x.published);
    await untilCaughtUp(bus, names.group, names.topics.updates, 180_000, [proc]);
    const recoveryS = (Date.now() - restartedAtMs) / 1000;
    expect(proc.child.exitCode).toBeNull(); // the processor lived through it
    // Re-deliveries count again, so at least every update once (polled: counters settle).
    const metrics = await untilMetrics(PORT, `accepted >= ${x.accepted}`, (m) => m.accepted >= x.accepted);
    expect(metrics.accepted).toBeGreaterThanOrEqual(x.accepted);

    const outcome = await expectExactOutcome(w, replay.shiftMs());

    expect(await proc.stop(15_000), proc.output()).toBe(0);
    recordFigures({
      test: 'broker-restart',
      fault: `Kafka broker stopped at ${publishedAtStop.toLocaleString('en-US')} published (replay 50x), down ${((restartedAtMs - stoppedAtMs) / 1000).toFixed(0)} s (20 s + restart), restarted with its data`,
      published: result.published,
      ...outcomeFigures(w, outcome),
      recoveryS,
      notes: `the replay's producer (the product's publisher) and the processor rode it out on their own retries; its accepted counter ${metrics.accepted.toLocaleString('en-US')} (re-deliveries after the rejoin count again); anomaly ids exact`,
      date: today(),
    });
  });
});
