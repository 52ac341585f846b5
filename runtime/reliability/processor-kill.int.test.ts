import { afterAll, describe, expect, it } from 'vitest';
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
  readTopic,
  startProcessorCli,
  testBus,
  uniqueNames,
  untilAssigned,
  untilCaughtUp,
  watchMetrics,
} from './harness.ts';
import { recordFigures, today } from './report.ts';

// Fault 1: the processor is killed (SIGKILL: no drain, no commit) in the middle of a replay of the
// whole NYC fixture and started again. Whatever it had processed but not committed is delivered
// again: history must still hold every accepted update once, the anomalies table every labelled
// anomaly once (ids are deterministic, so the re-run produces the same ids).
const PORT = 18610;
const brokers = process.env.KAFKA_BROKERS;
if (!brokers || !process.env.DATABASE_URL) {
  throw new Error(
    'KAFKA_BROKERS and DATABASE_URL must be set: source runtime/services/env.sh (services started)',
  );
}

let db: TestDatabase | null = null;
let bus: KafkaBus | null = null;
const procs: CliProcess[] = [];
afterAll(async () => {
  for (const p of procs) await p.stop(5_000).catch(() => {});
  await bus?.close().catch(() => {});
  await db?.drop().catch(() => {});
});

describe('processor killed with SIGKILL mid-replay', () => {
  it('after restart and catch-up: every accepted update exactly once, every labelled anomaly exactly once', async () => {
    const x = await fixtureExpectations();
    db = await createTestDatabase('rel_kill');
    const names = uniqueNames('kill');
    bus = testBus(brokers);
    await createTopicsSettled(bus, names);
    const spec = { brokers, databaseUrl: db.url, names, httpPort: PORT };

    const first = startProcessorCli(spec);
    procs.push(first);
    await untilAssigned(first);
    const firstMetrics = watchMetrics(PORT, 200);

    let restartedAtMs = 0;
    let second: CliProcess | null = null;
    let atKill = { published: 0, committed: 0 };
    const replay = startFixtureReplay({
      bus,
      topics: names.topics,
      speed: 100,
      firstRecordedTsMs: x.firstTsMs,
      faults: [
        {
          atPublished: 12_000,
          run: async () => {
            first.child.kill('SIGKILL');
            expect(await first.exited).toBe(137);
            const committed = await bus!.committed(names.group, names.topics.updates);
            atKill = {
              published: replay.published(),
              committed: committed.reduce((n, c) => n + Math.max(0, c.offset), 0),
            };
            await firstMetrics.stop();
            restartedAtMs = Date.now();
            second = startProcessorCli(spec);
            procs.push(second);
          },
        },
      ],
    });
    const result = await replay.done;
    expect(result.published).toBe(x.published);
    const acceptedBeforeKill = firstMetrics.last()?.accepted ?? 0;
    expect(acceptedBeforeKill).toBeGreaterThan(0); // it was killed while working, not before
    expect(acceptedBeforeKill).toBeLessThan(x.accepted);

    await untilCaughtUp(bus, names.group, names.topics.updates, 150_000, [first, second!]);
    const recoveryS = (Date.now() - restartedAtMs) / 1000;
    const shiftMs = replay.shiftMs();

    const history = await checkHistory(db.url, x, shiftMs);
    expect(history).toEqual({ rows: x.accepted, duplicateKeys: 0, missing: 0, unexpected: 0 });
    const expectedIds = expectedAnomalyIds(x, shiftMs);
    const rows = await anomalyRows(db.url);
    const anomalies = checkAnomalies(rows, expectedIds);
    expect(anomalies).toMatchObject({ missing: [], unexpected: [] });
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    // The topic is at-least-once (a re-run may publish an event again), but always with the same id.
    const events = (await readTopic(bus, names.topics.anomalies)).map((m) => JSON.parse(String(m.value)));
    const eventIds = new Set(events.map((e) => e.id as string));
    const tolerated = (e: { id: string; type: string }) =>
      KNOWN_SIGNAL_LOST_CATCH_UP_BUG && e.type === 'signal_lost';
    expect(expectedIds.filter((id) => !eventIds.has(id) && !id.startsWith('signal_lost:'))).toEqual([]);
    expect(events.filter((e) => !expectedIds.includes(e.id) && !tolerated(e))).toEqual([]);
    if (!KNOWN_SIGNAL_LOST_CATCH_UP_BUG)
      expect(anomalies).toMatchObject({ found: expectedIds.length, spuriousSignalLost: 0 });

    expect(await second!.stop(15_000), second!.output()).toBe(0);
    recordFigures({
      test: 'processor-kill',
      fault: 'processor SIGKILL at 12,000 published (replay 100x), restarted at once',
      published: result.published,
      accepted: x.accepted,
      historyRows: history.rows,
      duplicates: history.duplicateKeys,
      anomaliesExpected: expectedIds.length,
      anomaliesFound: anomalies.found,
      recoveryS,
      notes: `killed after ${acceptedBeforeKill.toLocaleString('en-US')} accepted; ${(atKill.published - atKill.committed).toLocaleString('en-US')} published but uncommitted at the kill; ${events.length} events on the anomalies topic; ${KNOWN_SIGNAL_LOST_CATCH_UP_BUG ? `${anomalies.spuriousSignalLost} spurious signal_lost (tolerated)` : 'anomaly ids exact'}`,
      date: today(),
    });
  });
});
