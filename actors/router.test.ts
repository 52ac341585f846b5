import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { FlightEnvelope } from '../runtime/contract/index.ts';
import { createMetrics } from '../runtime/metrics/metrics.ts';
import { AirportIndex } from './airports.ts';
import { memoryPorts } from './memory-ports.ts';
import { createFlightRouter, type FlightRouterConfig } from './router.ts';
import { backgroundTraffic, flight, T0_MS } from './scenario.ts';

const airports = AirportIndex.fromGeoJSON(
  readFileSync(new URL('../fixtures/airports.geojson', import.meta.url), 'utf8'),
);
const cruise = (lat: number) => ({ lat, lon: -71.5, altM: 9_000, speedMs: 220, trackDeg: 240 });

async function metric(
  m: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string> = {},
) {
  const got = await m.registry.getSingleMetric(`skysentinel_${name}`)?.get();
  const v = got?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

/** ee0001 reports for 30 s, is silent 185 s, then reports for 85 s more. */
function quietThenBack() {
  const before = flight('ee0001', cruise(41), [{ durationS: 30 }]);
  const last = before[before.length - 1];
  const after = flight(
    'ee0001',
    { ...cruise(41), lat: last.lat - 0.1, lon: last.lon - 0.12, tsMs: last.ts + 185_000 },
    [{ durationS: 85 }],
  );
  return { before, after };
}

function setup(extra: Partial<FlightRouterConfig> = {}) {
  const ports = memoryPorts();
  const metrics = createMetrics();
  const router = createFlightRouter({ ports, metrics, airports, ...extra });
  return { ports, metrics, router };
}

describe('FlightRouter', () => {
  it('routes updates to one actor per aircraft and hands tracks, history rows and counts to the ports', async () => {
    const { ports, metrics, router } = setup();
    const a = flight('aa0001', cruise(41), [{ durationS: 50 }]);
    const b = flight('bb0002', cruise(42), [{ durationS: 50 }]);
    for (let i = 0; i < a.length; i++) {
      router.dispatch(a[i]);
      router.dispatch(b[i]);
    }
    router.dispatch(a[a.length - 1]); // duplicate
    router.dispatch(a[2]); // out of order
    await router.drain();
    expect(router.activeCount).toBe(2);
    expect(ports.rows).toHaveLength(a.length + b.length);
    expect(ports.tracks.get('aa0001')?.ts).toBe(a[a.length - 1].ts);
    expect(ports.tracks.get('bb0002')?.lat).toBeCloseTo(b[b.length - 1].lat, 3);
    expect(await metric(metrics, 'updates_total', { result: 'accepted' })).toBe(a.length + b.length);
    expect(await metric(metrics, 'updates_total', { result: 'duplicate' })).toBe(1);
    expect(await metric(metrics, 'updates_total', { result: 'out_of_order' })).toBe(1);
    expect(await metric(metrics, 'actors_spawned_total')).toBe(2);
    expect(router.feedTsMs).toBe(a[a.length - 1].ts);
    await router.stopAll();
    expect(router.activeCount).toBe(0);
    expect(ports.removed).toEqual([]); // the board ages tracks out itself
  });

  it('drain waits for earlier envelopes only', async () => {
    const { ports, router } = setup();
    const a = flight('aa0003', cruise(41), [{ durationS: 20 }]);
    for (const e of a) router.dispatch(e);
    const drained = router.drain();
    router.dispatch(flight('aa0004', cruise(41), [{ durationS: 5 }])[0]);
    await drained;
    expect(ports.rows.filter((r) => r.icao24 === 'aa0003')).toHaveLength(a.length);
    await router.stopAll();
  });

  it('isolates a throw: counted, that actor restarts with fresh state, the others go on', async () => {
    const ports = memoryPorts();
    const metrics = createMetrics();
    let calls = 0;
    const crashed: string[] = [];
    const router = createFlightRouter({
      ports: {
        ...ports,
        board: {
          upsert: ports.board.upsert,
          changed: (source) => {
            if (source.icao24 === 'cc0001' && ++calls === 5) throw new Error('board exploded');
            ports.board.changed(source);
          },
          remove: ports.board.remove,
        },
      },
      metrics,
      airports,
      onCrash: (id) => crashed.push(id),
    });
    const c = flight('cc0001', cruise(41), [{ durationS: 50 }]);
    const d = flight('dd0002', cruise(42), [{ durationS: 50 }]);
    for (let i = 0; i < 5; i++) {
      router.dispatch(c[i]);
      router.dispatch(d[i]);
      await router.drain(); // one at a time, so the crash hits exactly the fifth update
    }
    expect(crashed).toEqual(['cc0001']);
    expect(await metric(metrics, 'actor_crashes_total')).toBe(1);
    // Fresh state: an older fix is accepted by cc0001's new order gate, still rejected by dd0002's.
    router.dispatch(c[0]);
    router.dispatch(d[0]);
    for (let i = 5; i < c.length; i++) router.dispatch(d[i]);
    await router.drain();
    expect(await metric(metrics, 'updates_total', { result: 'out_of_order' })).toBe(1);
    expect(ports.tracks.get('cc0001')?.ts).toBe(c[0].ts);
    expect(ports.tracks.get('dd0002')?.ts).toBe(d[d.length - 1].ts);
    expect(ports.rows.filter((r) => r.icao24 === 'dd0002')).toHaveLength(d.length);
    expect(router.activeCount).toBe(2);
    await router.stopAll();
  });

  it('a silence is still found when its aircraft resumes in a partition running minutes ahead of another', async () => {
    const { ports, router } = setup();
    // ee0001 (partition 0) reports for 30 s, is silent 185 s, then reports again.
    const { before, after } = quietThenBack();
    const lastBefore = before[before.length - 1];
    const busy = flight('ff0002', cruise(42), [{ durationS: 300 }]);
    const around = backgroundTraffic({ lat: 40.7, lon: -71.9 }, { durationS: 300 });
    const p0 = [...before, ...after, ...busy].sort((a, b) => a.ts - b.ts);
    const p1 = around.sort((a, b) => a.ts - b.ts); // others, in partition 1
    // Both partitions for the first 20 s; then partition 0 runs 5 minutes ahead before partition 1 catches up.
    const split = lastBefore.ts - 10_000;
    for (const e of [
      ...p0.filter((e) => e.ts <= split).map((e) => [e, 0] as const),
      ...p1.filter((e) => e.ts <= split).map((e) => [e, 1] as const),
    ].sort((a, b) => a[0].ts - b[0].ts))
      router.dispatch(e[0], { partition: e[1] });
    for (const e of p0.filter((e) => e.ts > split)) router.dispatch(e, { partition: 0 });
    for (const e of p1.filter((e) => e.ts > split)) router.dispatch(e, { partition: 1 });
    await router.drain();
    const lost = ports.events.filter((e) => e.type === 'signal_lost' && e.icao24 === 'ee0001');
    expect(lost.map((e) => e.phase)).toEqual(['open', 'closed']);
    expect(lost[0].started_at).toBe(lastBefore.ts);
    expect(lost[0].details.silent_s).toBe(120);
    expect(lost[1].ended_at).toBe(after[0].ts);
    await router.stopAll();
  });

  it("a live partition's silence revealed by another partition's warm-up replay is still emitted", async () => {
    const { ports, router } = setup();
    // Partition 0 is live: ee0001 goes quiet after 30 s. Partition 1 (the others around it) is
    // still replaying its warm-up history, behind partition 0: its replayed envelopes move the
    // watermark past ee0001's deadline.
    const quiet = flight('ee0001', cruise(41), [{ durationS: 30 }]);
    const busy = flight('ff0002', cruise(42), [{ durationS: 300 }]);
    const around = backgroundTraffic({ lat: 40.7, lon: -71.9 }, { durationS: 300 }).sort(
      (a, b) => a.ts - b.ts,
    );
    const p0 = [...quiet, ...busy].sort((a, b) => a.ts - b.ts);
    const first = around.filter((e) => e.ts <= T0_MS + 20_000);
    for (const e of [
      ...p0.filter((e) => e.ts <= T0_MS + 20_000).map((e) => [e, 0] as const),
      ...first.map((e) => [e, 1] as const),
    ].sort((a, b) => a[0].ts - b[0].ts))
      router.dispatch(e[0], { partition: e[1], replay: e[1] === 1 });
    for (const e of p0.filter((e) => e.ts > T0_MS + 20_000)) router.dispatch(e, { partition: 0 });
    for (const e of around.filter((e) => e.ts > T0_MS + 20_000))
      router.dispatch(e, { partition: 1, replay: true });
    await router.drain();
    const lost = ports.events.filter((e) => e.type === 'signal_lost' && e.icao24 === 'ee0001');
    expect(lost.map((e) => e.phase)).toEqual(['open']);
    await router.stopAll();
  });

  it('opens signal_lost for a silent airborne aircraft from the feed clock, once, and closes it on resume', async () => {
    const { ports, router } = setup();
    const quiet = flight('ee0001', cruise(41), [{ durationS: 30 }]);
    const busy = flight('ff0002', cruise(42), [{ durationS: 400 }]);
    // Others reported all around where it should be: coverage is live there.
    const around = backgroundTraffic({ lat: 40.7, lon: -71.9 }, { durationS: 400 });
    for (const e of [...quiet, ...busy, ...around].sort((p, q) => p.ts - q.ts)) router.dispatch(e);
    await router.drain();
    const lost = ports.events.filter((e) => e.type === 'signal_lost');
    expect(lost.map((e) => `${e.icao24}:${e.phase}`)).toEqual(['ee0001:open']);
    const lastQuiet = quiet[quiet.length - 1].ts;
    expect(lost[0].started_at).toBe(lastQuiet);
    expect(lost[0].detected_at - lastQuiet).toBeGreaterThanOrEqual(120_000);
    expect(lost[0].detected_at - lastQuiet).toBeLessThan(126_000);
    const last = quiet[quiet.length - 1];
    const resumed: FlightEnvelope = { ...last, lat: last.lat - 0.2, ts: busy[busy.length - 1].ts + 1_000 };
    router.dispatch(resumed);
    await router.drain();
    expect(ports.events.filter((e) => e.type === 'signal_lost').map((e) => e.phase)).toEqual([
      'open',
      'closed',
    ]);
    expect(ports.tracks.get('ee0001')?.anomalies).toEqual([]);
    await router.stopAll();
  });

  it('emits nothing while not emitting (warm restart) but rebuilds state', async () => {
    const { ports, metrics, router } = setup({ emitting: false });
    const a = flight('ab0001', cruise(41), [{ durationS: 50 }]);
    for (const e of a.slice(0, 6)) router.dispatch(e);
    await router.drain();
    expect(ports.rows).toHaveLength(0);
    expect(ports.tracks.size).toBe(0);
    router.setEmitting(true);
    router.dispatch(a[5]); // already seen during replay: a duplicate now
    router.dispatch(a[6], { replay: true }); // replay flag per envelope: also silent
    router.dispatch(a[7]);
    await router.drain();
    expect(await metric(metrics, 'updates_total', { result: 'duplicate' })).toBe(1);
    // a[6] came as warm-up replay: counted when it first came through, not again.
    expect(await metric(metrics, 'updates_total', { result: 'accepted' })).toBe(7);
    expect(ports.rows.map((r) => r.ts)).toEqual([a[7].ts]);
    await router.stopAll();
  });

  it('passivates idle actors (ACTOR_IDLE_S), keeps the board entry, respawns on the next update', async () => {
    const { ports, metrics, router } = setup({ options: { actorIdleS: 0.05 } });
    const a = flight('ac0001', cruise(41), [{ durationS: 20 }]);
    router.dispatch(a[0]);
    await router.drain();
    expect(router.activeCount).toBe(1);
    // Idle time is wall time: poll (a loaded machine delays nact's idle timer), never a fixed sleep.
    await vi.waitFor(() => expect(router.activeCount).toBe(0), { timeout: 20_000, interval: 20 });
    expect(await metric(metrics, 'actors_passivated_total')).toBe(1);
    expect(ports.removed).toEqual([]);
    router.dispatch(a[1]);
    await router.drain();
    expect(router.activeCount).toBe(1);
    expect(await metric(metrics, 'actors_spawned_total')).toBe(2);
    await router.stopAll();
  });

  it('samples process latency at most once per wall-clock millisecond', async () => {
    let clockMs = 1_000_000;
    const { metrics, router } = setup({ now: () => clockMs });
    const count = async () => {
      const got = await metrics.processLatency.get();
      return got.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    };
    const ids = ['af0101', 'af0102', 'af0103'];
    const fixes = ids.map((id) => flight(id, cruise(41), [{ durationS: 5 }])[0]);
    for (const f of fixes) router.dispatch({ ...f, ingest_ts: clockMs - 20 });
    await router.drain();
    expect(await count()).toBe(1); // three wakes in the same millisecond: one sample
    clockMs += 1;
    router.dispatch({ ...flight('af0104', cruise(41), [{ durationS: 5 }])[0], ingest_ts: clockMs - 20 });
    await router.drain();
    expect(await count()).toBe(2);
    await router.stopAll();
  });

  it('stopAircraft stops just those actors', async () => {
    const { router } = setup();
    for (const id of ['ad0001', 'ad0002', 'ad0003'])
      router.dispatch(flight(id, cruise(41), [{ durationS: 5 }])[0]);
    await router.drain();
    await router.stopAircraft(['ad0001', 'ad0003']);
    expect(router.activeCount).toBe(1);
    await router.stopAll();
    expect(router.activeCount).toBe(0);
  });

  it('stopPartitions stops the actors of the revoked partitions only', async () => {
    const { router } = setup();
    const ids = ['ae0001', 'ae0002', 'ae0003'];
    ids.forEach((id, partition) => {
      router.dispatch(flight(id, cruise(41), [{ durationS: 5 }])[0], { partition });
    });
    await router.drain();
    await router.stopPartitions([0, 2]);
    expect(router.activeCount).toBe(1);
    await router.stopAll();
  });
});

// Found by the reliability tests (runtime/reliability/): after a restart the pipeline catches up
// partition by partition, minutes of stream time at once.
describe('FlightRouter: silence timers while partitions catch up', () => {
  const cruise = (lat: number) => ({ lat, lon: -71.5, altM: 9_000, speedMs: 220, trackDeg: 240 });
  const a = () => flight('aa0001', cruise(41), [{ durationS: 400 }]);
  const b = () => flight('bb0002', cruise(42), [{ durationS: 400 }]);
  /** a's first 100 s, then all of b, then the rest of a: each partition's backlog handed whole. */
  const catchUp = () => {
    const fa = a();
    const cut = fa.findIndex((e) => e.ts - fa[0]!.ts > 100_000);
    return [
      { partition: 0, envs: fa.slice(0, cut) },
      { partition: 1, envs: b() },
      { partition: 0, envs: fa.slice(cut) },
    ];
  };
  const silenceEvents = (events: { type: string; icao24: string; phase: string }[]) =>
    events.filter((e) => e.type === 'signal_lost').map((e) => `${e.icao24}:${e.phase}`);

  it('one partition running ahead does not make the aircraft of another look silent', async () => {
    const ports = memoryPorts();
    const router = createFlightRouter({ ports, metrics: createMetrics(), airports });
    for (const { partition, envs } of catchUp()) {
      for (const e of envs) router.dispatch(e, { partition });
      await router.drain();
    }
    await router.stopAll();
    expect(silenceEvents(ports.events)).toEqual([]);
  });

  it('emits nothing at all during warm-up replay, silence checks included', async () => {
    const ports = memoryPorts();
    const router = createFlightRouter({ ports, metrics: createMetrics(), airports });
    // Without partitions (one clock) a's gap looks like a silence: still nothing may be emitted.
    for (const { envs } of catchUp()) {
      for (const e of envs) router.dispatch(e, { replay: true });
      await router.drain();
    }
    await router.stopAll();
    expect(ports.events).toEqual([]);
  });

  it('a real 200 s silence inside one batch is found where it happened', async () => {
    const ports = memoryPorts();
    const router = createFlightRouter({ ports, metrics: createMetrics(), airports });
    const fa = a().filter((e, _, all) => e.ts - all[0]!.ts < 100_000 || e.ts - all[0]!.ts > 300_000);
    const around = backgroundTraffic({ lat: 40.6, lon: -72.0 }, { durationS: 400 });
    for (const e of [...fa, ...b(), ...around].sort((p, q) => p.ts - q.ts))
      router.dispatch(e, { partition: 0 });
    await router.drain();
    await router.stopAll();
    expect(silenceEvents(ports.events)).toEqual(['aa0001:open', 'aa0001:closed']);
  });
});

describe("FlightRouter: a restart's catch-up, partition by partition", () => {
  // ee0001 (partition 0) reports for 30 s, is silent 185 s, then reports again; ff0002 keeps
  // partition 0 busy for 20 minutes. The others around ee0001 are all in partition 1, 20 minutes
  // of them. After a restart each partition's backlog is handed over whole, one after the other.
  const partition0 = () =>
    [
      ...quietThenBack().before,
      ...quietThenBack().after,
      ...flight('ff0002', cruise(42), [{ durationS: 1_200 }]),
    ].sort((a, b) => a.ts - b.ts);
  const partition1 = () => backgroundTraffic({ lat: 40.7, lon: -71.9 }, { durationS: 1_200 });
  const lostPhases = (events: { type: string; icao24: string; phase: string }[]) =>
    events.filter((e) => e.type === 'signal_lost' && e.icao24 === 'ee0001').map((e) => e.phase);

  it.each([
    ['first: the watermark waits for the partition not yet heard from', [0, 1]],
    ['last, 20 minutes behind: the coverage map still holds the minutes of its silence', [1, 0]],
  ])('the silent aircraft’s partition delivered %s', async (_, order) => {
    const { ports, router } = setup();
    router.partitionBacklog(0, true);
    router.partitionBacklog(1, true);
    const silentFromMs = quietThenBack().before.at(-1)!.ts;
    const batches = { 0: partition0(), 1: partition1() } as Record<number, FlightEnvelope[]>;
    for (const p of order) {
      for (const e of batches[p]) router.dispatch(e, { partition: p });
      router.partitionBacklog(p, false);
      await router.drain();
    }
    // The silence (then, 85 s after it, ee0001's last report: a second silence while partition 0 goes on).
    const lost = ports.events.filter((e) => e.type === 'signal_lost' && e.icao24 === 'ee0001');
    expect(lost.map((e) => e.phase)).toEqual(['open', 'closed', 'open']);
    expect(lost[0].started_at).toBe(silentFromMs);
    await router.stopAll();
  });

  it('a caught-up (idle) partition holds silences back 10 minutes of feed time, one with a backlog 24', async () => {
    const run = async (idleHasBacklog: boolean) => {
      const { ports, router } = setup();
      const quiet = flight('ee0001', cruise(41), [{ durationS: 30 }]);
      const around = backgroundTraffic({ lat: 40.7, lon: -71.9 }, { durationS: 900, prefix: 'g' });
      router.partitionBacklog(0, true);
      router.partitionBacklog(1, idleHasBacklog);
      // Partition 1 delivers its first report, then nothing more.
      router.dispatch(flight('cc0003', cruise(40), [{ durationS: 1 }])[0], { partition: 1 });
      for (const e of [...quiet, ...around].sort((a, b) => a.ts - b.ts)) router.dispatch(e, { partition: 0 });
      await router.drain();
      const phases = lostPhases(ports.events);
      await router.stopAll();
      return phases;
    };
    expect(await run(false)).toEqual(['open']);
    expect(await run(true)).toEqual([]); // 15 minutes on: still waiting for partition 1
  });

  it('an empty partition (caught up, never heard from) holds nothing back', async () => {
    const { ports, router } = setup();
    router.partitionBacklog(0, true);
    router.partitionBacklog(1, false);
    const quiet = flight('ee0001', cruise(41), [{ durationS: 30 }]);
    const around = backgroundTraffic({ lat: 40.7, lon: -71.9 }, { durationS: 300, prefix: 'g' });
    for (const e of [...quiet, ...around].sort((a, b) => a.ts - b.ts)) router.dispatch(e, { partition: 0 });
    await router.drain();
    expect(lostPhases(ports.events)).toEqual(['open']);
    await router.stopAll();
  });
});

describe('FlightRouter: a feed clock one message cannot move, and outages of the source (issue 16)', () => {
  const cruise = (lat: number, lon = -71.5) => ({ lat, lon, altM: 9_000, speedMs: 220, trackDeg: 240 });
  /** Six aircraft reporting every 5 s for `durationS`, plus live coverage around them. */
  const fleet = (durationS: number) => [
    ...['ab0001', 'ab0002', 'ab0003', 'ab0004', 'ab0005', 'ab0006'].flatMap((id, k) =>
      flight(id, cruise(41 + k * 0.1), [{ durationS }]),
    ),
    ...backgroundTraffic({ lat: 40.8, lon: -71.9 }, { durationS, spanDeg: 1, stepDeg: 0.5 }),
  ];

  it('one fix an hour ahead is held, then dropped as future: no signal_lost, no out_of_order, the clock unmoved', async () => {
    const { ports, metrics, router } = setup();
    const envs = fleet(400).sort((p, q) => p.ts - q.ts);
    const k = envs.findIndex((e) => e.icao24 === 'ab0003' && e.ts > T0_MS + 100_000);
    const future: FlightEnvelope = { ...envs[k], ts: envs[k].ts + 3_600_000, lat: envs[k].lat + 0.01 };
    envs.splice(k, 0, future);
    for (const e of envs) router.dispatch(e);
    await router.drain();
    expect(router.feedTsMs).toBeLessThan(T0_MS + 401_000);
    expect(ports.events).toEqual([]);
    await router.stopAll();
    expect(await metric(metrics, 'updates_total', { result: 'out_of_order' })).toBe(0);
    expect(await metric(metrics, 'updates_total', { result: 'future' })).toBe(1);
    expect(await metric(metrics, 'updates_total', { result: 'accepted' })).toBe(envs.length - 1);
  });

  it('a 3-minute silence of the whole source is an outage: counted and told, no signal_lost, nothing lost', async () => {
    const outages: unknown[] = [];
    const { ports, metrics, router } = setup({ onOutage: (o) => outages.push(o) });
    const gapFrom = T0_MS + 150_000;
    const envs = fleet(500)
      .filter((e) => e.ts < gapFrom || e.ts >= gapFrom + 180_000)
      // Two aircraft never come back after the outage: they went quiet with the feed.
      .filter((e) => e.ts < gapFrom || (e.icao24 !== 'ab0001' && e.icao24 !== 'ab0002'))
      .sort((p, q) => p.ts - q.ts);
    for (const e of envs) router.dispatch(e);
    await router.drain();
    expect(ports.events.filter((e) => e.type === 'signal_lost')).toEqual([]);
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ partition: -1 });
    expect(router.feedStatus().outages).toBe(1);
    await router.stopAll();
    expect(await metric(metrics, 'feed_outages_total')).toBe(1);
    expect(await metric(metrics, 'updates_total', { result: 'accepted' })).toBe(envs.length);
    expect(await metric(metrics, 'updates_total', { result: 'future' })).toBe(0);
  });

  it('an aircraft that goes quiet while the feed goes on, where others are seen, is still lost', async () => {
    const { ports, router } = setup();
    const envs = fleet(400)
      .filter((e) => e.icao24 !== 'ab0004' || e.ts < T0_MS + 100_000)
      .sort((p, q) => p.ts - q.ts);
    for (const e of envs) router.dispatch(e);
    await router.drain();
    const lost = ports.events.filter((e) => e.type === 'signal_lost');
    expect(lost.map((e) => e.icao24)).toEqual(['ab0004']);
    expect(lost[0].details.nearby_reports as number).toBeGreaterThan(0);
    await router.stopAll();
  });

  it('reports the feed as waiting, live, then in outage by wall time', async () => {
    let wall = 1_000;
    const { router } = setup({ now: () => wall });
    expect(router.feedStatus().state).toBe('waiting');
    router.dispatch(flight('ab0009', cruise(41), [{ durationS: 5 }])[0]);
    await router.drain();
    expect(router.feedStatus()).toMatchObject({ state: 'live', quietS: 0 });
    wall += 61_000;
    expect(router.feedStatus()).toMatchObject({ state: 'outage', quietS: 61 });
    await router.stopAll();
  });
  it('counts every report in the coverage map, written once per aircraft, cell-band and minute', async () => {
    const { router } = setup();
    // Slow enough to stay in one 0.25-degree cell: 12 fixes a minute, 5 s apart, for 3 minutes.
    const slow = { lat: 41.1, lon: -71.6, altM: 9_000, speedMs: 20, trackDeg: 90 };
    const a = flight('aa0101', { ...slow, tsMs: T0_MS - (T0_MS % 60_000) }, [{ durationS: 175 }]);
    const b = flight('bb0102', { ...slow, tsMs: T0_MS - (T0_MS % 60_000) }, [{ durationS: 55 }]);
    for (const env of [...a, ...b].sort((x, y) => x.ts - y.ts)) router.dispatch(env);
    await router.drain();
    const t0 = a[0].ts;
    const near = (fromMin: number, toMin: number) =>
      router.coverage.reportsNear(41.1, -71.6, 3, 3, t0 + fromMin * 60_000 - 1, t0 + toMin * 60_000);
    const inMinute = (list: typeof a, m: number) =>
      list.filter((x) => Math.floor((x.ts - t0) / 60_000) === m).length;
    expect(inMinute(a, 0)).toBe(12);
    // Minute 0: a moved on (all its 12 added), b did not (its first report only, then silent).
    expect(near(0, 0)).toBe(12 + 1);
    expect(near(1, 1)).toBe(inMinute(a, 1));
    // The current minute: a's first report there, the rest once it moves on.
    expect(near(2, 2)).toBe(1);
    const later = flight('aa0101', { ...slow, lat: 41.1 + 0.05, tsMs: t0 + 180_000 }, [{ durationS: 5 }]);
    for (const env of later) router.dispatch(env);
    await router.drain();
    expect(near(2, 2)).toBe(inMinute(a, 2));
    await router.stopAll();
  });
});
