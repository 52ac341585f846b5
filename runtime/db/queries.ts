import type pg from 'pg';
import type { AnomalyEvent, AnomalyType, LastKnown } from '../contract/index.ts';

/**
 * The reads the edge serves from PostGIS (GET /history/{icao24}, GET /anomalies), on top of the
 * SQL functions in sql/002_functions.sql. Each takes a pool (or client) and returns contract shapes.
 */
export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

export interface LineString {
  type: 'LineString';
  coordinates: [number, number][];
}

/** An aircraft's track in [fromMs, toMs] as a GeoJSON LineString (time order); null under two fixes. */
export async function queryFlightTrack(
  db: Queryable,
  icao24: string,
  fromMs: number,
  toMs: number,
): Promise<LineString | null> {
  const res = await db.query<{ geojson: string | null }>(
    `SELECT ST_AsGeoJSON(flight_track($1, to_timestamp($2::float8 / 1000), to_timestamp($3::float8 / 1000)), 6) AS geojson`,
    [icao24, fromMs, toMs],
  );
  const text = res.rows[0]?.geojson;
  return text ? (JSON.parse(text) as LineString) : null;
}

export interface AnomalyRow {
  id: string;
  type: AnomalyType;
  severity: AnomalyEvent['severity'];
  phase: AnomalyEvent['phase'];
  icao24: string;
  callsign: string | null;
  started_ms: string;
  detected_ms: string;
  ended_ms: string | null;
  lat: number;
  lon: number;
  alt_m: number | null;
  airport: string | null;
  details: Record<string, unknown>;
}

export const ANOMALY_SELECT = `SELECT id, type, severity, phase, icao24, callsign,
  (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,
  (extract(epoch FROM detected_at) * 1000)::bigint AS detected_ms,
  (extract(epoch FROM ended_at) * 1000)::bigint AS ended_ms,
  ST_Y(geom) AS lat, ST_X(geom) AS lon, alt_m, airport, details`;

export const toEvent = (r: AnomalyRow): AnomalyEvent => ({
  v: 1,
  id: r.id,
  type: r.type,
  phase: r.phase,
  severity: r.severity,
  icao24: r.icao24,
  callsign: r.callsign,
  started_at: Number(r.started_ms),
  detected_at: Number(r.detected_ms),
  ended_at: r.ended_ms === null ? null : Number(r.ended_ms),
  lat: r.lat,
  lon: r.lon,
  alt_m: r.alt_m,
  airport: r.airport,
  details: r.details,
});

export interface AnomalyQuery {
  /** Only anomalies that started at or after this (ms epoch). */
  sinceMs?: number;
  type?: AnomalyType;
  /** Newest first, at most this many (default 1,000, the in-memory fallback's size). */
  limit?: number;
}

/** GET /anomalies: AnomalyEvents newest first (by started_at), in their latest merged state. */
export async function queryAnomalies(db: Queryable, q: AnomalyQuery = {}): Promise<AnomalyEvent[]> {
  const res = await db.query<AnomalyRow>(
    `${ANOMALY_SELECT} FROM anomalies
     WHERE ($1::float8 IS NULL OR started_at >= to_timestamp($1::float8 / 1000)) AND ($2::text IS NULL OR type = $2)
     ORDER BY started_at DESC, id LIMIT $3`,
    [q.sinceMs ?? null, q.type ?? null, q.limit ?? 1_000],
  );
  return res.rows.map(toEvent);
}

/** Anomalies within radiusM metres of (lon, lat) that started at or after sinceMs, newest first. */
export async function queryAnomaliesNear(
  db: Queryable,
  lon: number,
  lat: number,
  radiusM: number,
  sinceMs: number,
): Promise<AnomalyEvent[]> {
  const res = await db.query<AnomalyRow>(
    `${ANOMALY_SELECT} FROM anomalies_near($1, $2, $3, to_timestamp($4::float8 / 1000))`,
    [lon, lat, radiusM, sinceMs],
  );
  return res.rows.map(toEvent);
}

/** A flights_current row: the newest state, stamped with when it was written. */
export type CurrentFlight = Omit<LastKnown, 'ts'> & { updatedMs: number };

/** flights_current inside w,s,e,n (w > e crosses the antimeridian), ordered by icao24. */
export async function queryFlightsInBbox(
  db: Queryable,
  [w, s, e, n]: readonly [number, number, number, number],
): Promise<CurrentFlight[]> {
  const res = await db.query<Omit<CurrentFlight, 'updatedMs'> & { updated_ms: string }>(
    `SELECT icao24, callsign, ST_Y(geom) AS lat, ST_X(geom) AS lon, alt_m, speed_ms, track_deg, vrate_ms,
       on_ground, squawk, (extract(epoch FROM updated_at) * 1000)::bigint AS updated_ms
     FROM flights_in_bbox($1, $2, $3, $4)`,
    [w, s, e, n],
  );
  return res.rows.map(({ updated_ms, ...f }) => ({ ...f, updatedMs: Number(updated_ms) }));
}
