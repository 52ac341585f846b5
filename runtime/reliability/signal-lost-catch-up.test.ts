import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AirportIndex } from '../../actors/airports.ts';
import { memoryPorts } from '../../actors/memory-ports.ts';
import { createFlightRouter } from '../../actors/router.ts';
import { flight } from '../../actors/scenario.ts';
import { createMetrics } from '../metrics/metrics.ts';

/**
 * KNOWN BUG (found by processor-kill.int.test.ts, owner: actors/router.ts), kept here as
 * `it.fails` so the suite stays green while it exists and turns red once it is fixed (then make
 * these plain `it`). After a restart the processor catches up partition by partition: kafkajs hands
 * one partition's backlog (minutes of stream time) before the next one's. The router's feed clock
 * is one clock for all partitions, so aircraft of a partition not yet caught up look silent for
 * 120 s and get a spurious signal_lost (dozens per restart with the NYC fixture, ids not
 * deterministic). During warm-up (replay: true) those ticks are even emitted, although warm-up
 * must emit nothing. The other way round, a real silence inside one large batch (a partition's
 * backlog handed at once) is missed: the silence check runs after the aircraft's queued updates,
 * which already include the ones after the silence. A fix needs a feed clock per partition (or the minimum over the partitions
 * being consumed) and ticks that respect the replay flag.
 */
const airports = AirportIndex.fromGeoJSON(
  readFileSync(new URL('../../fixtures/airports.geojson', import.meta.url), 'utf8'),
);
const cruise = (lat: number) => ({ lat, lon: -71.5, altM: 9_000, speedMs: 220, trackDeg: 240 });

/**
 * Two aircraft never silent, delivered as three bus batches in catch-up order (each drained before
 * the next, as the pipeline does): a's first 100 s, all of b, the rest of a.
 */
function catchUpBatches() {
  const a = flight('aa0001', cruise(41), [{ durationS: 400 }]); // partition 0
  const b = flight('bb0002', cruise(42), [{ durationS: 400 }]); // partition 1
  const cut = a.findIndex((e) => e.ts - a[0]!.ts > 100_000);
  return [a.slice(0, cut), b, a.slice(cut)];
}

describe('signal_lost while partitions are caught up one after another (known bug, see above)', () => {
  it.fails('raises no signal_lost for aircraft that were never silent', async () => {
    const ports = memoryPorts();
    const router = createFlightRouter({ ports, metrics: createMetrics(), airports });
    for (const batch of catchUpBatches()) {
      for (const e of batch) router.dispatch(e);
      await router.drain();
    }
    await router.stopAll();
    expect(ports.events.filter((e) => e.type === 'signal_lost')).toEqual([]);
  });

  it.fails('emits nothing during warm-up replay, ticks included', async () => {
    const ports = memoryPorts();
    const router = createFlightRouter({ ports, metrics: createMetrics(), airports });
    for (const batch of catchUpBatches()) {
      for (const e of batch) router.dispatch(e, { replay: true });
      await router.drain();
    }
    await router.stopAll();
    expect(ports.events).toEqual([]);
  });

  it.fails('detects a real 200 s silence that lies inside one batch', async () => {
    const ports = memoryPorts();
    const router = createFlightRouter({ ports, metrics: createMetrics(), airports });
    const a = flight('aa0001', cruise(41), [{ durationS: 400 }]).filter(
      (e, _, all) => e.ts - all[0]!.ts < 100_000 || e.ts - all[0]!.ts > 300_000,
    );
    const b = flight('bb0002', cruise(42), [{ durationS: 400 }]);
    for (const e of [...a, ...b].sort((p, q) => p.ts - q.ts)) router.dispatch(e); // one partition's batch
    await router.drain();
    await router.stopAll();
    expect(ports.events.filter((e) => e.type === 'signal_lost').map((e) => `${e.icao24}:${e.phase}`)).toEqual(
      ['aa0001:open', 'aa0001:closed'],
    );
  });
});
