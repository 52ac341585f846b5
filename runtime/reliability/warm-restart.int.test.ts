import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import { parseEnvelope } from '../contract/validate.ts';
import type { CliProcess } from '../testing/cli-process.ts';
import { expectExactOutcome, type FaultWorld, openFaultWorld, outcomeFigures } from './fault-world.ts';
import { FIXTURE_FILE } from './fixture.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import { readTopic, servicesFromEnv, untilAssigned, untilCaughtUp } from './harness.ts';
import { recordFigures, today } from './report.ts';

// Fault 5: a go-around that spans a processor restart. The replay stops right after JBU1127's
// (a42490) lowest point on its KJFK approach, before it has climbed the 150 m that make it a
// go-around; the processor is stopped (SIGTERM) and started again, then the replay goes on. Only
// the warm restart (on assignment, the last WARMUP_S of the topic replayed into the actors without
// emitting) lets the new process know the approach and its lowest point: then the go-around is
// reported once, with the id the uninterrupted run gives it. WARMUP_S counts in bus (wall) time:
// at 50x the 265 s of stream before the cut take ~5 s, well inside the default 300 s.
const PORT = 18660;
const SPEED = 50;
const WARMUP_S = 300;
const AIRCRAFT = 'a42490';
const { brokers } = servicesFromEnv();

/** Recorded ts just after the aircraft's lowest fix of the approach that ends in the go-around. */
function cutAfterLowestPoint(labelFromTs: number): number {
  let lowest = { ts: 0, altM: Number.POSITIVE_INFINITY };
  for (const line of readFileSync(FIXTURE_FILE, 'utf8').split('\n')) {
    if (!line.includes(AIRCRAFT)) continue;
    const p = parseEnvelope(line);
    if (!p.ok || p.value.icao24 !== AIRCRAFT || p.value.on_ground) continue;
    const e = p.value;
    if (e.ts < labelFromTs - 60_000 || e.ts > labelFromTs + 30_000 || e.baro_alt_m == null) continue;
    if (e.baro_alt_m < lowest.altM) lowest = { ts: e.ts, altM: e.baro_alt_m };
  }
  if (lowest.ts === 0) throw new Error(`no approach fixes of ${AIRCRAFT} in the fixture`);
  return lowest.ts + 1;
}

let world: FaultWorld | null = null;
afterAll(async () => world?.close());

const goArounds = (events: AnomalyEvent[]) =>
  events.filter((e) => e.type === 'go_around' && e.icao24 === AIRCRAFT);

describe('warm restart in the middle of a go-around', () => {
  it('the go-around is still reported exactly once, with its deterministic id', {
    timeout: 300_000,
  }, async () => {
    const w = await openFaultWorld({ label: 'warm', brokers });
    world = w;
    const { x, names, bus } = w;
    const label = x.labels.anomalies.find(
      (a) => a.type === 'go_around' && a.icao24 === AIRCRAFT,
    ) as unknown as {
      from_ts: number;
    };
    const cutTs = cutAfterLowestPoint(label.from_ts);
    const env = { WARMUP_S: String(WARMUP_S) };
    const first = w.startProcessor(PORT, env);
    await untilAssigned(first);

    const startedAtMs = Date.now();
    const at = { restartMs: 0, pauseMs: 0, publishedAtCut: 0, eventsBefore: -1 };
    let second: CliProcess | null = null;
    const replay = startFixtureReplay({
      bus,
      topics: names.topics,
      speed: SPEED,
      firstRecordedTsMs: x.firstTsMs,
      faults: [
        {
          atRecordedTsMs: cutTs,
          blocking: true,
          run: async () => {
            const t0 = Date.now();
            at.publishedAtCut = replay.published();
            await untilCaughtUp(bus, names.group, names.topics.updates, 60_000, [first]);
            const before = (await readTopic(bus, names.topics.anomalies)).map(
              (m) => JSON.parse(String(m.value)) as AnomalyEvent,
            );
            at.eventsBefore = goArounds(before).length;
            expect(await first.stop(15_000), first.output()).toBe(0); // SIGTERM: drain, commit, leave
            second = w.startProcessor(PORT, env);
            await untilAssigned(second);
            at.restartMs = Date.now();
            at.pauseMs = at.restartMs - t0;
          },
        },
      ],
    });
    const result = await replay.done;
    expect(at.eventsBefore).toBe(0); // the restart came before the go-around was detected
    // Everything published before the restart lies inside the warm-up window (wall time).
    expect(at.restartMs - startedAtMs).toBeLessThan(WARMUP_S * 1000);
    await untilCaughtUp(bus, names.group, names.topics.updates, 150_000, [second!]);

    const shiftMs = replay.shiftMs();
    const expectedId = `go_around:${AIRCRAFT}:${x.anomalyStarts.get(`go_around:${AIRCRAFT}`)! + shiftMs}`;
    const events = (await readTopic(bus, names.topics.anomalies)).map(
      (m) => JSON.parse(String(m.value)) as AnomalyEvent,
    );
    expect(goArounds(events).map((e) => e.id)).toEqual([expectedId]);
    const outcome = await expectExactOutcome(w, shiftMs);
    expect(
      outcome.rows.filter((r) => r.type === 'go_around' && r.icao24 === AIRCRAFT).map((r) => r.id),
    ).toEqual([expectedId]);

    expect(await second!.stop(15_000), second!.output()).toBe(0);
    recordFigures({
      test: 'warm-restart',
      fault: `SIGTERM + restart right after ${AIRCRAFT}'s lowest point on its KJFK approach (${at.publishedAtCut.toLocaleString('en-US')} published, replay ${SPEED}x, WARMUP_S ${WARMUP_S})`,
      published: result.published,
      ...outcomeFigures(w, outcome),
      recoveryS: at.pauseMs / 1000,
      notes: `go_around of ${AIRCRAFT}: 0 events before the restart, ${goArounds(events).length} after (topic), 1 row, id as uninterrupted; recovery = stop + start + join; anomaly ids exact`,
      date: today(),
    });
  });
});
