import type { AnomalyType, BBox, Track } from '../contract/index.ts';
import type { Queryable } from './queries.ts';

/**
 * Playback reads (edge/playback.ts): time-sliced, so memory never grows with the window. Each
 * call returns at most one row per aircraft (its newest fix in the slice, `DISTINCT ON`), so
 * what the edge holds is bounded by the aircraft in view, not by the rows in the window. The
 * slice's ts bounds prune the day partitions and the BRIN on ts narrows the partition.
 */

/** Anomalies that started within this before a slice still mark their aircraft while open. */
export const OPEN_MARK_MAX_MS = 3_600_000;
/** A closed anomaly keeps marking its aircraft this long after it ended (as the live edge does). */
export const CLOSED_MARK_MS = 60_000;

type SliceRow = [
  icao24: string,
  callsign: string | null,
  tsMs: number,
  lat: number,
  lon: number,
  altM: number | null,
  speedMs: number | null,
  trackDeg: number | null,
  vrateMs: number | null,
  onGround: boolean,
  squawk: string | null,
];

/** bbox as four nullable parameters; w > e crosses the antimeridian. */
const BBOX_WHERE = `($3::float8 IS NULL OR CASE WHEN $3::float8 <= $5::float8
      THEN geom && ST_MakeEnvelope($3, $4, $5, $6, 4326)
      ELSE geom && ST_MakeEnvelope($3, $4, 180, $6, 4326) OR geom && ST_MakeEnvelope(-180, $4, $5, $6, 4326) END)`;

/**
 * Each aircraft's newest fix with afterMs < ts <= toMs inside `bbox` (null: everywhere), as
 * Tracks (smoothed position, like the live board), with the anomalies open at toMs.
 */
export async function queryPlaybackSlice(
  db: Queryable,
  afterMs: number,
  toMs: number,
  bbox: BBox | null,
): Promise<Track[]> {
  const b = bbox ?? [null, null, null, null];
  const res = await db.query<SliceRow>({
    text: `SELECT DISTINCT ON (icao24) icao24, callsign, (extract(epoch FROM ts) * 1000)::float8,
        smooth_lat, smooth_lon, smooth_alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk
      FROM flights_history
      WHERE ts > to_timestamp($1::float8 / 1000) AND ts <= to_timestamp($2::float8 / 1000) AND ${BBOX_WHERE}
      ORDER BY icao24, ts DESC`,
    values: [afterMs, toMs, ...b],
    rowMode: 'array',
  });
  if (res.rows.length === 0) return [];
  const marks = await queryOpenAnomalyTypes(db, toMs);
  return res.rows.map((r) => ({
    icao24: r[0],
    callsign: r[1],
    lat: r[3],
    lon: r[4],
    alt_m: r[5],
    speed_ms: r[6],
    track_deg: r[7],
    vrate_ms: r[8],
    on_ground: r[9],
    squawk: r[10],
    ts: Math.round(r[2]),
    anomalies: marks.get(r[0]) ?? [],
  }));
}

/** icao24 -> anomaly types open at atMs (or closed within CLOSED_MARK_MS of it). */
export async function queryOpenAnomalyTypes(
  db: Queryable,
  atMs: number,
): Promise<Map<string, AnomalyType[]>> {
  const res = await db.query<[string, AnomalyType[]]>({
    text: `SELECT icao24, array_agg(DISTINCT type) FROM anomalies
      WHERE started_at <= to_timestamp($1::float8 / 1000)
        AND started_at >= to_timestamp(($1::float8 - $2::float8) / 1000)
        AND (ended_at IS NULL OR ended_at >= to_timestamp(($1::float8 - $3::float8) / 1000))
      GROUP BY icao24`,
    values: [atMs, OPEN_MARK_MAX_MS, CLOSED_MARK_MS],
    rowMode: 'array',
  });
  return new Map(res.rows.map((r) => [r[0], r[1]]));
}
