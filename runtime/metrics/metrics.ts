import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric of the contract (section 8), defined once. Each process makes one `Metrics`
 * (tests make their own, so counts never leak between tests) and hands it to what it wires.
 */
export type UpdateResult = 'accepted' | 'duplicate' | 'out_of_order' | 'implausible' | 'invalid';

export interface MetricsOptions {
  /** Adds prom-client's default process metrics (CPU, RSS, event loop lag...). */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const p = 'skysentinel_';
  const registers = [registry];
  return {
    registry,
    updates: new Counter({
      name: `${p}updates_total`,
      help: 'Flight updates by result: accepted, duplicate, out_of_order, implausible, stale, future, invalid',
      labelNames: ['result'] as const,
      registers,
    }),
    altitudesDropped: new Counter({
      name: `${p}altitudes_dropped_total`,
      help: 'Reported altitudes not used, by reason: implausible (impossible vertical rate, not confirmed), ground (on_ground), stopped (airborne report slower than a stopped aircraft)',
      labelNames: ['reason'],
      registers,
    }),
    feedOutages: new Counter({
      name: `${p}feed_outages_total`,
      help: 'Silences of the whole source seen in feed time (a partition clock jumping over more than outageGapS)',
      registers,
    }),
    feedQuiet: new Gauge({
      name: `${p}feed_quiet_seconds`,
      help: 'Wall seconds since the actors last got a report (over outageGapS: the source is in an outage)',
      registers,
    }),
    actorsActive: new Gauge({ name: `${p}actors_active`, help: 'Live aircraft actors', registers }),
    actorsSpawned: new Counter({
      name: `${p}actors_spawned_total`,
      help: 'Aircraft actors spawned',
      registers,
    }),
    actorsPassivated: new Counter({
      name: `${p}actors_passivated_total`,
      help: 'Aircraft actors stopped after ACTOR_IDLE_S without updates',
      registers,
    }),
    actorCrashes: new Counter({
      name: `${p}actor_crashes_total`,
      help: 'Exceptions inside an aircraft actor (the actor restarts with fresh state)',
      registers,
    }),
    processLatency: new Histogram({
      name: `${p}process_latency_seconds`,
      help: 'From the envelope ingest_ts to the actor having processed it',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    anomalies: new Counter({
      name: `${p}anomalies_total`,
      help: 'Anomaly events opened, by type and severity',
      labelNames: ['type', 'severity'] as const,
      registers,
    }),
    sinkRows: new Counter({
      name: `${p}sink_rows_total`,
      help: 'Rows committed to PostGIS by table',
      labelNames: ['table'] as const,
      registers,
    }),
    sinkBatchRows: new Histogram({
      name: `${p}sink_batch_rows`,
      help: 'Rows per history sink batch',
      buckets: [10, 100, 500, 1000, 2500, 5000, 10_000, 25_000],
      registers,
    }),
    sinkFlushSeconds: new Histogram({
      name: `${p}sink_flush_seconds`,
      help: 'Time to write and commit one history sink batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    sinkRefused: new Counter({
      name: `${p}sink_refused_total`,
      help: 'Rows and events the history sink dead-lettered (outside the history window, or refused by PostgreSQL), by table',
      labelNames: ['table'] as const,
      registers,
    }),
    sinkErrors: new Counter({
      name: `${p}sink_errors_total`,
      help: 'History sink write failures (retried)',
      registers,
    }),
    busLag: new Gauge({
      name: `${p}bus_lag`,
      help: 'Consumer lag in messages by topic and partition',
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    wsClients: new Gauge({ name: `${p}ws_clients`, help: 'Connected WebSocket clients', registers }),
    wsBytesSent: new Counter({
      name: `${p}ws_bytes_sent_total`,
      help: 'Bytes sent to WebSocket clients',
      registers,
    }),
    wsFramesSkipped: new Counter({
      name: `${p}ws_frames_skipped_total`,
      help: 'Frames not sent to a client over its backpressure limit',
      registers,
    }),
    edgeRefused: new Counter({
      name: `${p}edge_refused_total`,
      help: 'Requests and WebSocket upgrades the edge refused, by reason: token (401, or the login page), origin (403, EDGE_ALLOWED_ORIGINS)',
      labelNames: ['reason'] as const,
      registers,
    }),
    sourceMessages: new Counter({
      name: `${p}source_messages_total`,
      help: 'Receiver input by source (sbs, readsb) and result: position (published), merged, not_newer, unchanged, no_position, ignored, malformed, invalid',
      labelNames: ['source', 'result'] as const,
      registers,
    }),
    sourceErrors: new Counter({
      name: `${p}source_errors_total`,
      help: 'Receiver connection and poll failures by source and reason (connect, disconnected, idle, timeout, http, json, network); each is retried',
      labelNames: ['source', 'reason'] as const,
      registers,
    }),
    sourceConnected: new Gauge({
      name: `${p}source_connected`,
      help: '1 while the receiver answers (SBS socket open, last aircraft.json poll good), else 0',
      labelNames: ['source'] as const,
      registers,
    }),
    edgeTickSeconds: new Histogram({
      name: `${p}edge_tick_seconds`,
      help: 'Time to compute and publish one edge tick',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
