import type { NearbyQuery } from '../../edge/event-detail.ts';
import type { AnomalyEvent, LastKnown, TrailPoint } from '../contract/index.ts';
import { ANOMALY_SELECT, type AnomalyRow, type Queryable, toEvent } from './queries.ts';

/**
 * The reads behind GET /anomalies/{id} (an event card): the event, the aircraft's trail around
 * it and its last known state from flights_history, and who else was near it meanwhile. All
 * are served by the primary keys (anomalies.id, flights_history (icao24, ts)) or, for the
 * neighbours, by the BRIN on ts narrowed to a few minutes.
 */

export async function queryAnomalyById(db: Queryable, id: string): Promise<AnomalyEvent | null> {
  const res = await db.query<AnomalyRow>(`${ANOMALY_SELECT} FROM anomalies WHERE id = $1`, [id]);
  return res.rows.length === 0 ? null : toEvent(res.rows[0]);
}

/**
 * The aircraft's smoothed fixes in [fromMs, toMs], time order, at most `maxPoints` (evenly
 * thinned by row number when there are more, keeping the first and the last).
 */
export async function queryTrail(
  db: Queryable,
  icao24: string,
  fromMs: number,
  toMs: number,
  maxPoints: number,
): Promise<TrailPoint[]> {
  const res = await db.query<{ ts_ms: number; lat: number; lon: number; alt_m: number | null }>({
    text: `WITH w AS (
        SELECT ts, smooth_lat, smooth_lon, smooth_alt_m,
          row_number() OVER (ORDER BY ts) - 1 AS i, count(*) OVER () AS n
        FROM flights_history
        WHERE icao24 = $1 AND ts >= to_timestamp($2::float8 / 1000) AND ts <= to_timestamp($3::float8 / 1000))
      SELECT (extract(epoch FROM ts) * 1000)::float8 AS ts_ms, smooth_lat AS lat, smooth_lon AS lon,
        smooth_alt_m AS alt_m
      FROM w WHERE n <= $4 OR i = n - 1 OR i % ceil(n::float8 / $4)::bigint = 0
      ORDER BY ts`,
    values: [icao24, fromMs, toMs, maxPoints],
  });
  return res.rows.map((r) => [Math.round(r.ts_ms), r.lat, r.lon, r.alt_m]);
}

/** The aircraft's newest row at or after sinceMs (the primary key walks back from the newest), or null. */
export async function queryLastKnown(
  db: Queryable,
  icao24: string,
  sinceMs: number,
): Promise<LastKnown | null> {
  const res = await db.query<Omit<LastKnown, 'ts'> & { ts_ms: number }>({
    text: `SELECT icao24, callsign, (extract(epoch FROM ts) * 1000)::float8 AS ts_ms, smooth_lat AS lat,
        smooth_lon AS lon, smooth_alt_m AS alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk
      FROM flights_history
      WHERE icao24 = $1 AND ts >= to_timestamp($2::float8 / 1000)
      ORDER BY ts DESC LIMIT 1`,
    values: [icao24, sinceMs],
  });
  if (res.rows.length === 0) return null;
  const { ts_ms, ...rest } = res.rows[0];
  return { ...rest, ts: Math.round(ts_ms) };
}

/**
 * Distinct aircraft other than `icao24` with a fix within `radiusM` metres (on the spheroid) of
 * (lon, lat) in [fromMs, toMs], up to `limit` ids (and how many in all).
 */
export async function queryNearbyAircraft(
  db: Queryable,
  q: NearbyQuery,
): Promise<{ count: number; icao24s: string[] }> {
  // ST_Expand on the geometry (degrees, generous at any latitude) narrows the rows cheaply;
  // ST_DWithin on geography decides in metres.
  const degLat = q.radiusM / 111_000;
  const degLon = degLat / Math.max(0.05, Math.cos((q.lat * Math.PI) / 180));
  const res = await db.query<{ icao24: string; n: string }>({
    text: `WITH near AS (
        SELECT DISTINCT icao24 FROM flights_history
        WHERE ts >= to_timestamp($1::float8 / 1000) AND ts <= to_timestamp($2::float8 / 1000)
          AND icao24 <> $3
          AND geom && ST_MakeEnvelope($4::float8 - $7::float8, $5::float8 - $6::float8,
                                      $4::float8 + $7::float8, $5::float8 + $6::float8, 4326)
          AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $8))
      SELECT icao24, count(*) OVER () AS n FROM near ORDER BY icao24 LIMIT $9`,
    values: [q.fromMs, q.toMs, q.icao24, q.lon, q.lat, degLat, degLon, q.radiusM, q.limit],
  });
  return { count: res.rows.length === 0 ? 0 : Number(res.rows[0].n), icao24s: res.rows.map((r) => r.icao24) };
}
