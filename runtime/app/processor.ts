import { AirportIndex } from '../../actors/airports.ts';
import { createFlightRouter, type FlightRouter } from '../../actors/router.ts';
import { PostgisSink } from '../../sinks/history-sink.ts';
import type { Bus } from '../bus/bus.ts';
import type { Config } from '../config/config.ts';
import type { AnomalySink, HistorySink, TrackBoardPort } from '../contract/ports.ts';
import { nullHistorySink } from '../contract/ports.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { publishDeadLetters } from '../pipeline/dead-letters.ts';
import { type IngestPipeline, startIngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { BusAnomalySink, fanoutAnomalySink } from './bus-anomaly-sink.ts';
import type { ShutdownStep } from './shutdown.ts';

export interface ProcessorOptions {
  config: Config;
  bus: Bus;
  metrics: Metrics;
  log: Logger;
  /** Where smoothed tracks go: the local edge's board, or a TrackPublisher (flights.tracks). */
  board: TrackBoardPort;
  /** More anomaly outputs beside flights.anomalies (and PostGIS): e.g. the local edge's frames. */
  anomalyOutputs?: AnomalySink[];
  /** The pipeline stopped on an error it cannot recover from (e.g. the sink failed for good). */
  onFatal?: (reason: string) => void;
}

/** How often the processor looks whether the source is delivering (wall time). */
const FEED_WATCH_MS = 2_000;

export interface Processor {
  readonly router: FlightRouter;
  readonly pipeline: IngestPipeline;
  readonly history: PostgisSink | null;
  /** The shutdown steps in order: stop consuming (drain, commit), stop actors, close the sink. */
  shutdownSteps(): ShutdownStep[];
}

/**
 * The processing side: consumes flights.updates in the consumer group, runs every aircraft's actor,
 * writes history to PostGIS (when DATABASE_URL is set) and anomalies to flights.anomalies, and
 * commits offsets only once all of that is durable.
 */
export async function startProcessor(o: ProcessorOptions): Promise<Processor> {
  const { config, bus, metrics, log } = o;
  const history = config.DATABASE_URL
    ? new PostgisSink({
        url: config.DATABASE_URL,
        batchRows: config.SINK_BATCH_ROWS,
        flushMs: config.SINK_FLUSH_MS,
        metrics,
        onError: (err, attempt) =>
          log.warn({ err: String(err), attempt }, 'history sink write failed; retrying'),
        // Rows outside the history window or refused by PostgreSQL go to flights.dlq; the rest is stored.
        deadLetter: (records) =>
          publishDeadLetters(
            bus,
            config.TOPIC_DLQ,
            records.map((r) => JSON.stringify(r)),
          ),
        onRefused: (records) =>
          log.warn(
            { refused: records.length, table: records[0]?.topic, reason: records[0]?.reason },
            'history sink refused rows; dead-lettered, the rest of the batch stored',
          ),
      })
    : null;
  log.info(
    history ? { database: redactUrl(config.DATABASE_URL) } : {},
    history ? 'history: PostGIS (COPY batches)' : 'history: off (DATABASE_URL is empty)',
  );
  const historySink: HistorySink = history ?? nullHistorySink;
  const anomalySinks: AnomalySink[] = [
    new BusAnomalySink(bus, config.TOPIC_ANOMALIES),
    ...(o.anomalyOutputs ?? []),
  ];
  if (history) anomalySinks.push(history.anomalySink);
  const anomalies = fanoutAnomalySink(anomalySinks);

  const router = createFlightRouter({
    ports: { history: historySink, anomalies, board: o.board },
    metrics,
    airports: AirportIndex.load(config.AIRPORTS_FILE),
    options: { actorIdleS: config.ACTOR_IDLE_S },
    // The edge of what live polling sees (used for source: "opensky" aircraft only).
    sourceBox: config.OPENSKY_BBOX,
    onCrash: (icao24, err) =>
      log.error({ icao24, err: String(err) }, 'actor crashed; restarted with fresh state'),
    onOutage: (o) =>
      log.warn(
        { partition: o.partition, silentS: Math.round((o.toTsMs - o.fromTsMs) / 1000) },
        'feed outage: the source delivered nothing for this long (feed time); no signal_lost for what went quiet with it',
      ),
  });
  // The source going quiet, in wall time: logged once when it starts and when it ends; /readyz shows it.
  let feedState = router.feedStatus().state;
  const feedWatch = setInterval(() => {
    const st = router.feedStatus();
    metrics.feedQuiet.set(st.quietS ?? 0);
    if (st.state === feedState) return;
    if (st.state === 'outage') log.warn({ quietS: st.quietS }, 'feed outage: no reports are arriving');
    else if (feedState === 'outage') log.info({}, 'feed live again');
    feedState = st.state;
  }, FEED_WATCH_MS);
  feedWatch.unref();
  let saturated = false;
  const pipeline = await startIngestPipeline({
    bus,
    metrics,
    groupId: config.KAFKA_GROUP_ID,
    topics: { updates: config.TOPIC_UPDATES, dlq: config.TOPIC_DLQ },
    handler: {
      dispatch(envelope, meta) {
        router.dispatch(envelope, meta); // replay and partition, read during the call
      },
      drain: () => router.drain(),
      backlog: (partition, backlog) => router.partitionBacklog(partition, backlog),
    },
    durable: [() => historySink.durable(), () => anomalies.durable()],
    // The sink's write() result is seen by the actors; the pipeline asks the sink directly.
    saturated: () => {
      saturated = history !== null && history.bufferedRows >= history.maxBufferedRows;
      return saturated;
    },
    drained: () => historySink.drained(),
    warmupMs: config.WARMUP_S * 1000,
    onAssign: (tps) => log.info({ partitions: tps.map((t) => t.partition) }, 'partitions assigned'),
    onRevoke: async (tps) => {
      const before = router.activeCount;
      await router.stopPartitions(tps.map((t) => t.partition));
      log.info(
        { partitions: tps.map((t) => t.partition), actors: before - router.activeCount },
        'partitions revoked',
      );
    },
  });
  pipeline.done.catch((err) => {
    log.error({ err: String(err) }, 'ingest pipeline stopped on an error');
    o.onFatal?.(`ingest pipeline failed: ${err}`);
  });

  return {
    router,
    pipeline,
    history,
    shutdownSteps: () => [
      { name: 'stop consuming, drain actors, commit offsets', run: () => pipeline.stop() },
      {
        name: 'stop actors',
        run: () => {
          clearInterval(feedWatch);
          return router.stopAll();
        },
      },
      { name: 'flush history sink', run: async () => history?.close() },
    ],
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}
