import type { AnomalyType, BBox, Track } from '../contract/index.ts';
import type { Queryable } from './queries.ts';

/**
 * Playback reads (edge/playback.ts): time-sliced, so memory never grows with the window. One
 * query reads a chunk of consecutive frames and returns at most one row per aircraft per frame
 * (its newest fix in that frame's slice: `DISTINCT ON (frame, icao24)`), so what the edge holds is
 * bounded by the aircraft in view times the frames of a chunk, not by the rows in the window. The
 * chunk's ts bounds prune the day partitions and the BRIN on ts narrows the partition.
 */

/** Anomalies that started within this before a slice still mark their aircraft while open. */
export const OPEN_MARK_MAX_MS = 3_600_000;
/** A closed anomaly keeps marking its aircraft this long after it ended (as the live edge does). */
export const CLOSED_MARK_MS = 60_000;

/**
 * Session settings for the connections that run playback queries (createPool's `settings`): a
 * chunk at 10x with 15,000 aircraft sorts ~150,000 rows, which spills to disk at the default 4 MB
 * work_mem (twice as slow), and its cost passes jit_above_cost, whose compilation alone takes
 * longer than the query (docs/benchmarks.md, "Playback").
 */
export const PLAYBACK_PG_SETTINGS: Readonly<Record<string, string>> = { jit: 'off', work_mem: '64MB' };

type FrameRow = [
  frame: number,
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

/** bbox as four nullable parameters ($4..$7); w > e crosses the antimeridian. */
const BBOX_WHERE = `($4::float8 IS NULL OR CASE WHEN $4::float8 <= $6::float8
      THEN geom && ST_MakeEnvelope($4, $5, $6, $7, 4326)
      ELSE geom && ST_MakeEnvelope($4, $5, 180, $7, 4326) OR geom && ST_MakeEnvelope(-180, $5, $6, $7, 4326) END)`;

/**
 * For consecutive slices of playback time (frame i: boundsMs[i] < ts <= boundsMs[i + 1], bounds
 * increasing): each aircraft's newest fix inside `bbox` (null: everywhere) in each slice, as
 * Tracks (smoothed position, like the live board), with the anomalies open at the chunk's end.
 * `width_bucket` over `ts - 1 µs` puts a fix lying exactly on a bound into the slice it closes.
 */
export async function queryPlaybackFrames(
  db: Queryable,
  boundsMs: readonly number[],
  bbox: BBox | null,
): Promise<Track[][]> {
  const n = boundsMs.length - 1;
  if (n < 1) return [];
  for (let i = 0; i < n; i++)
    if (!(boundsMs[i] < boundsMs[i + 1])) throw new Error('playback frame bounds must increase');
  const b = bbox ?? [null, null, null, null];
  const res = await db.query<FrameRow>({
    text: `SELECT DISTINCT ON (f, icao24) f, icao24, callsign, date_part('epoch', ts) * 1000,
        smooth_lat, smooth_lon, smooth_alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk
      FROM (SELECT width_bucket(ts - interval '1 microsecond',
          (SELECT array_agg(to_timestamp(x / 1000) ORDER BY x) FROM unnest($1::float8[]) x)) - 1 AS f, *
        FROM flights_history
        WHERE ts > to_timestamp($2::float8 / 1000) AND ts <= to_timestamp($3::float8 / 1000) AND ${BBOX_WHERE}) s
      ORDER BY f, icao24, ts DESC`,
    values: [boundsMs, boundsMs[0], boundsMs[n], ...b],
    rowMode: 'array',
  });
  const frames: Track[][] = Array.from({ length: n }, () => []);
  if (res.rows.length === 0) return frames;
  const marks = await queryOpenAnomalyTypes(db, boundsMs[n]);
  for (const r of res.rows)
    frames[r[0]].push({
      icao24: r[1],
      callsign: r[2],
      lat: r[4],
      lon: r[5],
      alt_m: r[6],
      speed_ms: r[7],
      track_deg: r[8],
      vrate_ms: r[9],
      on_ground: r[10],
      squawk: r[11],
      ts: Math.round(r[3]),
      anomalies: marks.get(r[1]) ?? [],
    });
  return frames;
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
