import type pg from 'pg';
import type { EdgeHistory } from '../../edge/server.ts';
import { queryAnomalyById, queryLastKnown, queryNearbyAircraft, queryTrail } from './event-queries.ts';
import { queryPlaybackFrames } from './playback-queries.ts';
import { queryAnomalies, queryFlightTrack } from './queries.ts';

/** The edge's PostGIS reads over one pool: history, anomalies, event cards and playback. */
export function postgisEdgeHistory(pool: pg.Pool): EdgeHistory {
  return {
    flightTrack: (icao24, fromMs, toMs) => queryFlightTrack(pool, icao24, fromMs, toMs),
    anomalies: (q) => queryAnomalies(pool, { sinceMs: q.sinceMs, type: q.type, limit: q.limit }),
    events: {
      anomalyById: (id) => queryAnomalyById(pool, id),
      trail: (icao24, fromMs, toMs, maxPoints) => queryTrail(pool, icao24, fromMs, toMs, maxPoints),
      lastKnown: (icao24, sinceMs) => queryLastKnown(pool, icao24, sinceMs),
      nearby: (q) => queryNearbyAircraft(pool, q),
      playback: { frames: (boundsMs, bbox) => queryPlaybackFrames(pool, boundsMs, bbox) },
    },
  };
}
