import { hostname } from 'node:os';
import { bootstrap } from '../../app/bootstrap.ts';
import { startConfiguredEdge } from '../../app/edge-wiring.ts';
import { startTracksFeed } from '../../app/tracks-feed.ts';

export const summary = 'an edge alone, fed from flights.tracks and flights.anomalies (needs KAFKA_BROKERS)';

export const usage = `Usage: skysentinel edge

Serves the HTTP API, /ws/flights and the globe from the processors' output alone: it reads
flights.tracks whole (compacted: the latest Track per aircraft, tombstones remove them) and new
flights.anomalies. Run as many as you like; each reads everything. GET /history and, when
DATABASE_URL is set, GET /anomalies query PostGIS.

Exit codes: 0 stopped cleanly, 1 failed at run time, 78 bad configuration (e.g. KAFKA_BROKERS empty).`;

export async function run(_args: string[]): Promise<number> {
  const app = await bootstrap('edge', { kafka: true });
  if (typeof app === 'number') return app;
  const { config, bus, metrics, log } = app;
  const { edge, pool } = await startConfiguredEdge(config, metrics, log, { bus: () => true });
  const feed = await startTracksFeed({
    bus,
    topics: { tracks: config.TOPIC_TRACKS, anomalies: config.TOPIC_ANOMALIES },
    groupId: `${config.KAFKA_GROUP_ID}-edge-${hostname()}-${process.pid}-${Date.now()}`,
    board: edge.board,
    publishAnomaly: (e) => edge.publishAnomaly(e),
    staleAfterS: config.STALE_AFTER_S,
    onInvalid: (topic, reason) => log.warn({ topic, reason }, 'skipped an invalid message'),
  });
  log.info({ url: `http://${config.HTTP_HOST}:${edge.port}/` }, 'edge up');
  return app.shutdown([
    { name: 'stop reading the topics', run: () => feed.stop() },
    { name: 'close the edge (WebSockets 1001)', run: () => edge.close() },
    { name: 'close the database pool', run: async () => pool?.end() },
    { name: 'close the bus', run: () => bus.close() },
  ]);
}
