import { afterAll, describe, expect, it } from 'vitest';
import type { DlqRecord } from '../contract/dlq.ts';
import { createClient } from '../db/pool.ts';
import { getJson } from '../testing/cli-process.ts';
import { expectExactOutcome, type FaultWorld, openFaultWorld, outcomeFigures } from './fault-world.ts';
import { startFixtureReplay } from './fixture-replay.ts';
import { readTopic, scrapeMetrics, servicesFromEnv, untilAssigned, untilCaughtUp } from './harness.ts';
import { recordFigures, today } from './report.ts';

// Issue 16, item 1: with DATABASE_URL set, one message that used to pass validation stopped the
// whole process (a NUL in a callsign, ts = 1e20), and under Kafka it would be re-read and crash the
// processor again forever. Now each poison message is dead-lettered with its reason (by the
// validator, or by the history sink when only the database's window refuses it), every valid update
// of the fixture is stored exactly once, and the processor keeps serving and committing.
const PORT = 18650;
const DAY_MS = 86_400_000;
const { brokers } = servicesFromEnv();

let world: FaultWorld | null = null;
afterAll(async () => world?.close());

const base = (icao24: string, ts: number) => ({
  v: 1,
  icao24,
  ts,
  lat: 40.6,
  lon: -73.8,
  on_ground: true, // no anomaly machine runs on the ground: the fixture's anomaly ids stay exact
  baro_alt_m: null,
  speed_ms: 0,
});

describe('poison messages in flights.updates with PostGIS', () => {
  it('each is dead-lettered with its reason; the fixture is stored exactly once; the processor keeps serving', {
    timeout: 300_000,
  }, async () => {
    const w = await openFaultWorld({ label: 'poison', brokers });
    world = w;
    const { x, names, bus } = w;
    const proc = w.startProcessor(PORT);
    await untilAssigned(proc);

    const nowMs = Date.now();
    const todayDay = Math.floor(nowMs / DAY_MS);
    const poison: Array<{ key: string; value: string; reason: RegExp; by: 'validator' | 'sink' }> = [
      {
        key: 'eeee01',
        value: JSON.stringify({ ...base('eeee01', nowMs), callsign: 'DAL\u0000123' }),
        reason: /^callsign: /,
        by: 'validator',
      },
      { key: 'eeee02', value: JSON.stringify(base('eeee02', 1e20)), reason: /^ts: /, by: 'validator' },
      {
        key: 'eeee03',
        value: JSON.stringify(base('eeee03', Date.UTC(10_000, 0, 1))),
        reason: /^ts: /,
        by: 'validator',
      },
      {
        key: 'eeee04',
        value: JSON.stringify({ ...base('eeee04', nowMs), callsign: '\u202eDAL1' }),
        reason: /^callsign: /,
        by: 'validator',
      },
      // 300 distinct days: 150 live fixes days ahead (the live clock bound), 150 replayed days years
      // back (valid for the contract, outside the history's retention window: the sink refuses them).
      ...Array.from({ length: 300 }, (_, k) => {
        const icao24 = (0xee1000 + k).toString(16);
        const ahead = k < 150;
        const day = ahead ? todayDay + 2 + k : todayDay - 400 - (k - 150) * 7;
        const env = { ...base(icao24, day * DAY_MS + 43_200_000), source: ahead ? 'opensky' : 'replay' };
        return {
          key: icao24,
          value: JSON.stringify(env),
          reason: ahead
            ? /^ts: \d+ s ahead of the wall clock/
            : /^flights_history: ts \S+ outside the history window/,
          by: (ahead ? 'validator' : 'sink') as 'validator' | 'sink',
        };
      }),
    ];
    const replay = startFixtureReplay({
      bus,
      topics: names.topics,
      speed: 150,
      firstRecordedTsMs: x.firstTsMs,
      faults: [
        {
          atPublished: 2_000,
          run: async () => {
            for (let i = 0; i < poison.length; i += 50) {
              await bus.publish(
                names.topics.updates,
                poison.slice(i, i + 50).map(({ key, value }) => ({ key, value })),
              );
            }
          },
        },
      ],
    });
    const result = await replay.done;
    await untilCaughtUp(bus, names.group, names.topics.updates, 150_000, [proc]); // offsets moved past them

    expect(proc.child.exitCode, proc.output()).toBeNull(); // still running: no crash, so no crash loop
    expect(await getJson<{ ok?: boolean } | string>(`http://127.0.0.1:${PORT}/healthz`)).toBeTruthy();
    const validatorRefused = poison.filter((p) => p.by === 'validator').length;
    const sinkRefused = poison.length - validatorRefused;
    const metrics = await scrapeMetrics(PORT);
    expect(metrics.invalid).toBe(validatorRefused);
    expect(metrics.accepted).toBe(x.accepted + sinkRefused); // the actors took them; the sink did not

    // Every poison message dead-lettered exactly once, with its reason.
    let dead: DlqRecord[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      dead = (await readTopic(bus, names.topics.dlq)).map((m) => JSON.parse(String(m.value)) as DlqRecord);
      if (dead.length >= poison.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const byIcao = new Map<string, DlqRecord[]>();
    for (const d of dead) {
      const icao24 = /"icao24":"([0-9a-f]{6})"/.exec(d.raw)?.[1] ?? '?';
      byIcao.set(icao24, [...(byIcao.get(icao24) ?? []), d]);
    }
    expect(dead.length, JSON.stringify(dead.slice(0, 3))).toBe(poison.length);
    for (const p of poison) {
      const records = byIcao.get(p.key) ?? [];
      expect(records, p.key).toHaveLength(1);
      expect(records[0]!.reason, p.key).toMatch(p.reason);
      expect(records[0]!.topic).toBe(p.by === 'validator' ? names.topics.updates : 'flights_history');
    }

    // The fixture's valid updates stored exactly once, nothing else; the exact anomaly ids.
    const outcome = await expectExactOutcome(w, replay.shiftMs());
    const c = createClient(w.db.url); // the partitions: only days inside the history window

    await c.connect();
    const days = (await c.query<{ day: Date }>('SELECT day FROM history_partitions()')).rows.map((r) =>
      Math.floor(r.day.getTime() / DAY_MS),
    );
    await c.end();
    expect(
      days.every((d) => Math.abs(d - todayDay) <= 31),
      days.join(','),
    ).toBe(true);

    expect(await proc.stop(15_000), proc.output()).toBe(0);
    recordFigures({
      test: 'poison-pill',
      fault: `${poison.length} poison messages (NUL and bidi callsigns, ts 1e20, year 10000, 300 distinct days) mixed into the replay (150x), PostGIS on`,
      published: result.published + poison.length,
      ...outcomeFigures(w, outcome),
      recoveryS: null,
      notes: `dead-lettered ${dead.length} (${validatorRefused} by the validator, ${sinkRefused} by the history sink's window); ${days.length} partitions; no crash, offsets committed past them`,
      date: today(),
    });
  });
});
