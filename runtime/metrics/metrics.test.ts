import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

const CONTRACT_NAMES = [
  'updates_total',
  // additions (docs/architecture.md section 7): altitudes not used, outages of the source
  'altitudes_dropped_total',
  'feed_outages_total',
  'feed_quiet_seconds',
  'actors_active',
  'actors_spawned_total',
  'actors_passivated_total',
  'actor_crashes_total',
  'process_latency_seconds',
  'anomalies_total',
  'sink_rows_total',
  'sink_batch_rows',
  'sink_flush_seconds',
  'sink_refused_total',
  'sink_errors_total',
  'bus_lag',
  'ws_clients',
  'ws_bytes_sent_total',
  'ws_frames_skipped_total',
  'edge_tick_seconds',
  // Auth and origins (issue 16).
  'edge_refused_total',
  // Receiver sources (sbs, readsb), added with them.
  'source_messages_total',
  'source_errors_total',
  'source_connected',
].map((n) => `skysentinel_${n}`);

describe('metrics', () => {
  it('registers every metric name of the contract', async () => {
    const m = createMetrics();
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    expect(names.sort()).toEqual([...CONTRACT_NAMES].sort());
  });
  it('adds default process metrics on request, and each instance counts on its own', async () => {
    const a = createMetrics({ processMetrics: true });
    const b = createMetrics();
    a.updates.inc({ result: 'accepted' }, 3);
    expect(await a.registry.metrics()).toMatch(/process_resident_memory_bytes/);
    expect(await a.registry.metrics()).toMatch(/skysentinel_updates_total\{result="accepted"\} 3/);
    expect(await b.registry.metrics()).not.toMatch(/result="accepted"\} 3/);
  });
});
