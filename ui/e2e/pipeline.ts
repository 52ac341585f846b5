import { fileURLToPath } from 'node:url';
import { startConfiguredEdge } from '../../runtime/app/edge-wiring.ts';
import { startProcessor } from '../../runtime/app/processor.ts';
import { createBus, topicSpecs } from '../../runtime/bus/index.ts';
import { loadConfig } from '../../runtime/config/config.ts';
import type { AnomalyEvent } from '../../runtime/contract/anomaly.ts';
import { createLogger } from '../../runtime/log/logger.ts';
import { createMetrics } from '../../runtime/metrics/metrics.ts';
import { createEnvelopePublisher } from '../../runtime/producer/publisher.ts';
import { type ReplayResult, replayFile } from '../../runtime/producer/replay.ts';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/opensky_nyc_sample.jsonl', import.meta.url));
export const FIXTURE_LABELS = fileURLToPath(
  new URL('../../fixtures/opensky_nyc_sample.labels.json', import.meta.url),
);

export interface FixturePipeline {
  url: string;
  /** Resolves when the whole fixture is published. */
  replayed: Promise<ReplayResult>;
  /** Publishes an anomaly event on the edge, as the detector does (frame, log, marks). */
  publishAnomaly(event: AnomalyEvent): void;
  /** Resolves once every published update has gone through the actors onto the board. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real product in this process, as `skysentinel run` composes it: embedded bus, the fixture
 * replayed by the producer at `speed`, the ingest pipeline and actors, the edge serving ui/dist.
 * No database unless `databaseUrl` is given (else GET /anomalies answers from the edge's memory).
 */
export async function startFixturePipeline(o: {
  port: number;
  speed: number;
  /** History and anomalies into this (migrated) database; the edge reads it back. Default: none. */
  databaseUrl?: string;
  /** Default 3600: nothing leaves the board during a test. */
  staleAfterS?: number;
  /** More configuration (e.g. EDGE_TOKEN, EDGE_ALLOWED_ORIGINS), as the environment would give it. */
  env?: Record<string, string>;
}): Promise<FixturePipeline> {
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(o.port),
    KAFKA_BROKERS: '',
    DATABASE_URL: o.databaseUrl ?? '',
    REPLAY_FILE: FIXTURE,
    REPLAY_SPEED: String(o.speed),
    // Nothing leaves the board during a test: counts stay comparable once the replay is over.
    STALE_AFTER_S: String(o.staleAfterS ?? 3600),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...o.env,
  });
  const log = createLogger(config.LOG_LEVEL).child({ command: 'ui-e2e' });
  const metrics = createMetrics();
  const bus = createBus(config);
  await bus.ensureTopics(Object.values(topicSpecs(config)));
  const { edge, anomalyOutput, pool } = await startConfiguredEdge(config, metrics, log, { bus: () => true });
  const processor = await startProcessor({
    config,
    bus,
    metrics,
    log,
    board: edge.board,
    anomalyOutputs: [anomalyOutput],
  });
  const publisher = createEnvelopePublisher({
    bus,
    topics: { state: config.TOPIC_STATE, updates: config.TOPIC_UPDATES },
  });
  const abort = new AbortController();
  const replayed = replayFile({
    file: config.REPLAY_FILE,
    speed: config.REPLAY_SPEED,
    loop: false,
    publisher,
    signal: abort.signal,
  });
  return {
    url: `http://127.0.0.1:${edge.port}`,
    replayed,
    publishAnomaly: (event) => {
      edge.publishAnomaly(event);
    },
    settled: async () => {
      await replayed;
      const accepted = async () => (await metrics.updates.get()).values.reduce((n, v) => n + v.value, 0);
      // Every published line is counted once by the pipeline (accepted, duplicate, invalid...).
      const r = await replayed;
      for (let i = 0; i < 300 && (await accepted()) < r.published; i++)
        await new Promise((res) => setTimeout(res, 100));
      // One more tick so the last changes are on the wire.
      await new Promise((res) => setTimeout(res, 600));
    },
    close: async () => {
      abort.abort();
      await replayed.catch(() => {});
      for (const step of processor.shutdownSteps()) await step.run();
      await edge.close();
      await pool?.end();
      await bus.close();
    },
  };
}
