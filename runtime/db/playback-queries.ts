import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { AnomalyType, BBox, Track } from '../contract/index.ts';
import { CopyBinaryReader } from './copy-binary-reader.ts';
import type { Queryable } from './queries.ts';

/**
 * Playback reads (edge/playback.ts): time-sliced, so memory never grows with the window. One
 * query reads a chunk of consecutive frames (a second of wall time): each aircraft's newest fix in
 * each frame's slice (`DISTINCT ON (frame, icao24)`; the chunk's bounds prune the day partitions,
 * the BRIN on ts narrows the partition), as a binary COPY stream (no text to parse: about half
 * the edge's CPU of pg's text rows). What the edge holds is bounded by the aircraft in view times
 * the frames of a chunk, not by the rows in the window. The shapes measured: docs/benchmarks.md,
 * "Playback".
 */

/** Anomalies that started within this before a slice still mark their aircraft while open. */
export const OPEN_MARK_MAX_MS = 3_600_000;
/** A closed anomaly keeps marking its aircraft this long after it ended (as the live edge does). */
export const CLOSED_MARK_MS = 60_000;

/**
 * Session settings for the edge's connections (createPool's `settings`): a chunk at 10x with
 * 15,000 aircraft sorts ~150,000 rows (24 MB), which spills to disk at the default 4 MB work_mem
 * (twice as slow), and its estimated cost passes jit_above_cost, whose compilation takes longer
 * than the query.
 */
export const PLAYBACK_PG_SETTINGS: Readonly<Record<string, string>> = { jit: 'off', work_mem: '64MB' };

const COLUMNS =
  'icao24, callsign, ts, smooth_lat, smooth_lon, smooth_alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk';
const FIELDS = 11;

/** A number for SQL text (COPY takes no parameters): finite, as JavaScript prints it. */
function sqlNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
}

/** The bbox condition with literal bounds; w > e crosses the antimeridian. */
function bboxWhere(bbox: BBox | null): string {
  if (bbox === null) return 'true';
  const [w, s, e, n] = bbox.map(sqlNumber);
  return Number(w) <= Number(e)
    ? `geom && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`
    : `(geom && ST_MakeEnvelope(${w}, ${s}, 180, ${n}, 4326) OR geom && ST_MakeEnvelope(-180, ${s}, ${e}, ${n}, 4326))`;
}

/** Runs work on one connection: a pool's (checked out and returned) or the one given. */
async function onClient<T>(db: Queryable, work: (c: pg.Client | pg.PoolClient) => Promise<T>): Promise<T> {
  if (!(db instanceof pg.Pool)) return work(db);
  const c = await db.connect();
  let failed = false;
  try {
    return await work(c);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // A COPY that failed half-way leaves the connection in an unknown state: close it.
    c.release(failed);
  }
}

/**
 * `newest-per-frame` (the edge's): PostgreSQL keeps each aircraft's newest fix per frame
 * (`DISTINCT ON (frame, icao24)`, a sort of the chunk's rows in work_mem) and sends only those.
 * `all-rows`: every row of the chunk in disk order, no sort, the edge keeping the newest as they
 * arrive; less work for PostgreSQL, 2.5 times the rows for the edge to decode at 10x (kept for
 * bench:playback's comparison, docs/benchmarks.md).
 */
export type PlaybackQueryShape = 'newest-per-frame' | 'all-rows';

/**
 * For consecutive slices of playback time (frame i: boundsMs[i] < ts <= boundsMs[i + 1], bounds
 * increasing): each aircraft's newest fix inside `bbox` (null: everywhere) in each slice, as
 * Tracks (smoothed position, like the live board), with the anomalies open at the chunk's end.
 */
export async function queryPlaybackFrames(
  db: Queryable,
  boundsMs: readonly number[],
  bbox: BBox | null,
  shape: PlaybackQueryShape = 'newest-per-frame',
): Promise<Track[][]> {
  const n = boundsMs.length - 1;
  if (n < 1) return [];
  for (let i = 0; i < n; i++)
    if (!(boundsMs[i] < boundsMs[i + 1])) throw new Error('playback frame bounds must increase');
  // Per frame: aircraft (an icao24's hex value, or the text when it is not hex) -> newest fix.
  const newest = Array.from({ length: n }, () => new Map<number | string, Track>());
  const r = new CopyBinaryReader(FIELDS);
  let f = 0;
  const onRow = (buf: Buffer) => {
    const ts = Math.round(r.timestampMs(2));
    // Rows arrive roughly in ts order: start from the last row's frame.
    while (f > 0 && ts <= boundsMs[f]) f--;
    while (f < n - 1 && ts > boundsMs[f + 1]) f++;
    const hex = r.hex24(buf, 0);
    const key = hex >= 0 ? hex : (r.text(buf, 0) as string);
    const frame = newest[f];
    const t = frame.get(key);
    if (t === undefined) {
      frame.set(key, {
        icao24: r.text(buf, 0) as string,
        callsign: r.text(buf, 1),
        lat: r.float8(3),
        lon: r.float8(4),
        alt_m: r.float(5),
        speed_ms: r.float(6),
        track_deg: r.float(7),
        vrate_ms: r.float(8),
        on_ground: r.bool(9),
        squawk: r.text(buf, 10),
        ts,
        anomalies: [],
      });
      return;
    }
    if (t.ts >= ts) return;
    // A newer fix of an aircraft this frame holds (most rows): overwrite it in place, no garbage.
    if (!r.sameAscii(buf, 1, t.callsign)) t.callsign = r.text(buf, 1);
    t.lat = r.float8(3);
    t.lon = r.float8(4);
    t.alt_m = r.float(5);
    t.speed_ms = r.float(6);
    t.track_deg = r.float(7);
    t.vrate_ms = r.float(8);
    t.on_ground = r.bool(9);
    if (!r.sameAscii(buf, 10, t.squawk)) t.squawk = r.text(buf, 10);
    t.ts = ts;
  };
  const lo = `to_timestamp(${sqlNumber(boundsMs[0])}::float8 / 1000)`;
  const hi = `to_timestamp(${sqlNumber(boundsMs[n])}::float8 / 1000)`;
  const rows = `SELECT ${COLUMNS} FROM flights_history WHERE ts > ${lo} AND ts <= ${hi} AND ${bboxWhere(bbox)}`;
  // width_bucket over ts - 1 µs: a fix exactly on a bound falls in the slice it closes.
  const frameOf = `width_bucket(ts - interval '1 microsecond', ARRAY[${boundsMs.map((b) => `to_timestamp(${sqlNumber(b)}::float8 / 1000)`).join(', ')}])`;
  const sql =
    shape === 'all-rows'
      ? `COPY (${rows}) TO STDOUT (FORMAT binary)`
      : `COPY (SELECT ${COLUMNS} FROM (SELECT DISTINCT ON (f, icao24) ${frameOf} AS f, ${COLUMNS} FROM (${rows}) r
          ORDER BY f, icao24, ts DESC) s) TO STDOUT (FORMAT binary)`;
  await onClient(db, async (c) => {
    for await (const chunk of c.query(copyTo(sql)) as AsyncIterable<Buffer>) r.push(chunk, onRow);
    r.end();
  });
  if (newest.every((m) => m.size === 0)) return newest.map(() => []);
  const marks = await queryOpenAnomalyTypes(db, boundsMs[n]);
  return newest.map((m) => {
    const tracks = [...m.values()];
    if (marks.size > 0) for (const t of tracks) t.anomalies = marks.get(t.icao24) ?? [];
    return tracks;
  });
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
