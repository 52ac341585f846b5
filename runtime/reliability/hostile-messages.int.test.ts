import { afterAll, describe, expect, it } from 'vitest';
import { DLQ_RAW_MAX_CHARS, type DlqRecord } from '../contract/dlq.ts';
import { hostileMessages } from '../testing/hostile-messages.ts';
import { expectExactOutcome, type FaultWorld, openFaultWorld, outcomeFigures } from './fault-world.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import { readTopic, servicesFromEnv, untilAssigned, untilCaughtUp, untilMetrics } from './harness.ts';
import { recordFigures, today } from './report.ts';

// Fault 4: 10,000 malformed and hostile messages (fuzzed and cut JSON, wrong types, NaN, huge
// strings, prototype-pollution keys, 5,000-deep nesting, binary junk) are published into the
// updates topic while the whole NYC fixture is replayed through it. The processor must not crash,
// must count and dead-letter each one with its reason, and the valid traffic must come out exactly
// as without them.
const PORT = 18640;
const HOSTILE = 10_000;
const { brokers } = servicesFromEnv();

let world: FaultWorld | null = null;
afterAll(async () => world?.close());

describe('10,000 hostile messages mixed into flights.updates', () => {
  it('no crash; each counted invalid and dead-lettered with a reason; valid traffic unaffected', {
    timeout: 300_000,
  }, async () => {
    const w = await openFaultWorld({ label: 'hostile', brokers });
    world = w;
    const { x, names, bus } = w;
    const proc = w.startProcessor(PORT);
    await untilAssigned(proc);

    const hostile = hostileMessages(HOSTILE);
    const hostileBytes = hostile.reduce(
      (n, m) => n + (typeof m === 'string' ? Buffer.byteLength(m) : m.length),
      0,
    );
    const publishHostile = async () => {
      // In slices (some are 200 KB), spread over the partitions by key, between valid batches.
      for (let i = 0; i < hostile.length; i += 100) {
        await bus.publish(
          names.topics.updates,
          hostile.slice(i, i + 100).map((value, j) => ({ key: `hostile-${(i + j) % 61}`, value })),
        );
      }
    };
    const replay = startFixtureReplay({
      bus,
      topics: names.topics,
      speed: 150,
      firstRecordedTsMs: x.firstTsMs,
      faults: [{ atPublished: 3_000, run: publishHostile }],
    });
    const result = await replay.done;
    await untilCaughtUp(bus, names.group, names.topics.updates, 150_000, [proc]);

    expect(proc.child.exitCode).toBeNull(); // still running
    const metrics = await untilMetrics(
      PORT,
      `invalid >= ${HOSTILE} and accepted >= ${x.accepted}`,
      (m) => m.invalid >= HOSTILE && m.accepted >= x.accepted,
    );
    expect(metrics.invalid).toBe(HOSTILE);
    expect(metrics.accepted).toBe(x.accepted);

    const dead = (await readTopic(bus, names.topics.dlq)).map(
      (m) => JSON.parse(String(m.value)) as DlqRecord,
    );
    expect(dead).toHaveLength(HOSTILE);
    expect(
      dead.every((d) => d.topic === names.topics.updates && typeof d.reason === 'string' && d.reason !== ''),
    ).toBe(true);
    expect(dead.every((d) => d.raw.length <= DLQ_RAW_MAX_CHARS)).toBe(true);
    expect(new Set(dead.map((d) => `${d.partition}:${d.offset}`)).size).toBe(HOSTILE); // each once
    const reasons = new Map<string, number>();
    for (const d of dead) {
      const r = d.reason.split(/[:\s]/)[0]!;
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }

    const outcome = await expectExactOutcome(w, replay.shiftMs());
    expect(Object.prototype).not.toHaveProperty('polluted');

    expect(await proc.stop(15_000), proc.output()).toBe(0);
    const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 4);
    recordFigures({
      test: 'hostile-messages',
      fault: `${HOSTILE.toLocaleString('en-US')} hostile messages (${(hostileBytes / 1e6).toFixed(0)} MB) mixed into the replay (150x)`,
      published: result.published + HOSTILE,
      ...outcomeFigures(w, outcome),
      recoveryS: null,
      notes: `invalid counted ${metrics.invalid.toLocaleString('en-US')}, DLQ records ${dead.length.toLocaleString('en-US')} (top reasons: ${top.map(([r, c]) => `${r} ${c}`).join(', ')}); no crash; anomaly ids exact`,
      date: today(),
    });
  });
});
