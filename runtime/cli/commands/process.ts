import { bootstrap } from '../../app/bootstrap.ts';
import { startConfiguredEdge } from '../../app/edge-wiring.ts';
import { startMetricsServer } from '../../app/metrics-server.ts';
import { startProcessor } from '../../app/processor.ts';
import { TrackPublisher } from '../../app/track-publisher.ts';
import type { AnomalySink, TrackBoardPort } from '../../contract/ports.ts';
import { parseFlags } from '../args.ts';

export const summary =
  'actors and sinks (and the edge unless --no-edge), consuming flights.updates in the group';

export const usage = `Usage: skysentinel process [--no-edge]

Joins the consumer group KAFKA_GROUP_ID on flights.updates and runs every aircraft of the
partitions it is given: order checks, Kalman smoothing, anomaly machines. Writes history to
PostGIS when DATABASE_URL is set, anomalies to flights.anomalies, smoothed tracks to
flights.tracks (a tombstone when an aircraft leaves), and commits offsets only once that is
durable. Start several in one group to share the partitions. On partition assignment it rebuilds
actor state from the last WARMUP_S seconds without emitting (warm restart).

  --no-edge   serve no API or WebSocket here (run \`skysentinel edge\` processes instead);
              HTTP_HOST:HTTP_PORT then answers only /metrics, /healthz and /readyz

Exit codes: 0 stopped cleanly, 1 failed at run time, 64 bad flags, 78 bad configuration.`;

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, { 'no-edge': { type: 'boolean' } });
  const app = await bootstrap('process');
  if (typeof app === 'number') return app;
  const { config, bus, metrics, log } = app;

  const status: Record<string, () => unknown> = {};
  const tracks = new TrackPublisher({
    bus,
    topic: config.TOPIC_TRACKS,
    tickHz: config.WS_TICK_HZ,
    staleAfterS: config.STALE_AFTER_S,
    onError: (err) => log.error({ err: String(err) }, 'publishing tracks failed'),
  });
  const wiring = flags['no-edge']
    ? null
    : await startConfiguredEdge(config, metrics, log, { bus: () => true }, status);
  // With an edge here, the edge's board notes the changes and builds each Track once; the
  // publisher gets what it builds (see TrackBoard.mirrorTo).
  wiring?.edge.board.mirrorTo(tracks);
  const board: TrackBoardPort = wiring
    ? {
        upsert(t) {
          tracks.upsert(t);
          wiring.edge.board.upsert(t);
        },
        changed(source) {
          wiring.edge.board.changed(source);
        },
        remove(id) {
          tracks.remove(id);
          wiring.edge.board.remove(id);
        },
      }
    : tracks;
  const outputs: AnomalySink[] = wiring ? [wiring.anomalyOutput] : [];
  const processor = await startProcessor({
    config,
    bus,
    metrics,
    log: log.child({ component: 'processor' }),
    board,
    anomalyOutputs: outputs,
    onFatal: (reason) => app.fail(reason),
  });
  status.feed = () => processor.router.feedStatus();
  if (wiring)
    log.info({ url: `http://${config.HTTP_HOST}:${wiring.edge.port}/` }, 'edge serving this processor');
  const metricsOnly = wiring
    ? null
    : await startMetricsServer({
        host: config.HTTP_HOST,
        port: config.HTTP_PORT,
        token: config.EDGE_TOKEN,
        metrics,
        ready: () => processor.pipeline.consumer.assignment().length > 0,
        status,
      });
  if (metricsOnly)
    log.info({ url: `http://${config.HTTP_HOST}:${metricsOnly.port}/metrics` }, 'metrics served');

  return app.shutdown([
    ...processor.shutdownSteps(),
    { name: 'publish the last tracks', run: () => tracks.close() },
    { name: 'close the edge (WebSockets 1001)', run: async () => wiring?.edge.close() },
    { name: 'close the metrics server', run: async () => metricsOnly?.close() },
    { name: 'close the database pool', run: async () => wiring?.pool?.end() },
    { name: 'close the bus', run: () => bus.close() },
  ]);
}
