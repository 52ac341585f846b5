import { afterAll, describe, expect, it } from 'vitest';
import type { CliProcess } from '../testing/cli-process.ts';
import { expectExactOutcome, type FaultWorld, openFaultWorld, outcomeFigures } from './fault-world.ts';
import { expectedAnomalyIds } from './fixture.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import { readTopic, servicesFromEnv, untilAssigned, untilCaughtUp, watchMetrics } from './harness.ts';
import { recordFigures, today } from './report.ts';

// Fault 1: the processor is killed (SIGKILL: no drain, no commit) in the middle of a replay of the
// whole NYC fixture and started again. Whatever it had processed but not committed is delivered
// again: history must still hold every accepted update once, the anomalies table every labelled
// anomaly once (ids are deterministic, so the re-run produces the same ids).
const PORT = 18610;
const { brokers } = servicesFromEnv();

let world: FaultWorld | null = null;
afterAll(async () => world?.close());

describe('processor killed with SIGKILL mid-replay', () => {
  it('after restart and catch-up: every accepted update exactly once, every labelled anomaly exactly once', async () => {
    const w = await openFaultWorld({ label: 'kill', brokers });
    world = w;
    const first = w.startProcessor(PORT);
    await untilAssigned(first);
    const firstMetrics = watchMetrics(PORT, 200);

    let restartedAtMs = 0;
    let second: CliProcess | null = null;
    let atKill = { published: 0, committed: 0 };
    const replay = startFixtureReplay({
      bus: w.bus,
      topics: w.names.topics,
      speed: 100,
      firstRecordedTsMs: w.x.firstTsMs,
      faults: [
        {
          atPublished: 12_000,
          run: async () => {
            first.child.kill('SIGKILL');
            expect(await first.exited).toBe(137);
            const committed = await w.bus.committed(w.names.group, w.names.topics.updates);
            atKill = {
              published: replay.published(),
              committed: committed.reduce((n, c) => n + Math.max(0, c.offset), 0),
            };
            await firstMetrics.stop();
            restartedAtMs = Date.now();
            second = w.startProcessor(PORT);
          },
        },
      ],
    });
    const result = await replay.done;
    expect(result.published).toBe(w.x.published);
    const acceptedBeforeKill = firstMetrics.last()?.accepted ?? 0;
    expect(acceptedBeforeKill).toBeGreaterThan(0); // it was killed while working, not before
    expect(acceptedBeforeKill).toBeLessThan(w.x.accepted);

    await untilCaughtUp(w.bus, w.names.group, w.names.topics.updates, 150_000, [first, second!]);
    const recoveryS = (Date.now() - restartedAtMs) / 1000;

    // Every labelled anomaly, the signal_lost too: while the restarted processor catches up partition
    // by partition, silences wait for the partitions still to deliver (docs/actors.md, "signal_lost").
    const outcome = await expectExactOutcome(w, replay.shiftMs());
    expect(new Set(outcome.rows.map((r) => r.id)).size).toBe(outcome.rows.length);
    // The topic is at-least-once (a re-run may publish an event again), but always with the same id.
    const events = (await readTopic(w.bus, w.names.topics.anomalies)).map(
      (m) => JSON.parse(String(m.value)) as { id: string },
    );
    const topicIds = [...new Set(events.map((e) => e.id))].filter((id) => outcome.expectedIds.includes(id));
    expect(topicIds.sort()).toEqual([...outcome.expectedIds].sort());
    const allIds = new Set(expectedAnomalyIds(w.x, replay.shiftMs()));
    expect(events.filter((e) => !allIds.has(e.id)).map((e) => e.id)).toEqual([]);

    expect(await second!.stop(15_000), second!.output()).toBe(0);
    recordFigures({
      test: 'processor-kill',
      fault: 'processor SIGKILL at 12,000 published (replay 100x), restarted at once',
      published: result.published,
      ...outcomeFigures(w, outcome),
      recoveryS,
      notes: `killed after ${acceptedBeforeKill.toLocaleString('en-US')} accepted; ${(atKill.published - atKill.committed).toLocaleString('en-US')} published but uncommitted at the kill; ${events.length} events on the anomalies topic; anomaly ids exact`,
      date: today(),
    });
  });
});
