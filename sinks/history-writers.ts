import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AnomalyEvent, HistoryRow } from '../runtime/contract/index.ts';
import { latestPerAircraft } from './batch.ts';
import { encodeHistoryBinary, ewkbPointHex, HISTORY_COLUMNS } from './copy-binary.ts';

/**
 * The statements of one history batch, each run inside the caller's transaction. Two ways to write
 * flights_history with the same result (no row twice): COPY (the sink) and multi-row INSERT (the
 * benchmark's baseline).
 */

type Db = pg.Client | pg.PoolClient;

const COLUMN_LIST = HISTORY_COLUMNS.join(', ');
// Rows per COPY chunk: a few hundred KB each, so encoding the next overlaps sending this one.
const COPY_CHUNK_ROWS = 2_000;

/** Thrown (as PostgreSQL reports it) when a COPY hits a row already stored: a re-delivered batch. */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string })?.code === '23505';

/**
 * A day without its partition: "no partition of relation ... found for row" (COPY into the
 * parent), or the day's partition itself gone (COPY into it after retention dropped it).
 */
export const isMissingPartition = (e: unknown): boolean => {
  const { code, message } = (e ?? {}) as { code?: string; message?: string };
  return (
    (code === '23514' && /no partition of relation/.test(message ?? '')) ||
    (code === '42P01' && /flights_history_p\d{8}/.test(message ?? ''))
  );
};

async function copyRows(db: Db, table: string, rows: readonly HistoryRow[]): Promise<void> {
  const stream = db.query(copyFrom(`COPY ${table} (${COLUMN_LIST}) FROM STDIN (FORMAT binary)`));
  await pipeline(function* () {
    let i = 0;
    do {
      const end = Math.min(rows.length, i + COPY_CHUNK_ROWS);
      yield encodeHistoryBinary(rows, i, end, { header: i === 0, trailer: end === rows.length });
      i = end;
    } while (i < rows.length);
  }, stream);
}

/**
 * Fast path: COPY straight into flights_history (or `table`, the day's partition when the batch
 * lies within one day, which spares per-row routing). Fails with 23505 if any row is already there;
 * the caller then rolls back and uses `copyViaStaging`. Returns the rows inserted.
 */
export async function copyHistory(
  db: Db,
  rows: readonly HistoryRow[],
  table = 'flights_history',
): Promise<number> {
  await copyRows(db, table, rows);
  return rows.length;
}

/** The session's staging table for the slow path (temp, so concurrent sinks never share it). */
export const CREATE_STAGING =
  'CREATE TEMP TABLE IF NOT EXISTS flights_history_staging (LIKE flights_history INCLUDING DEFAULTS)';

/** Slow path after a duplicate: COPY into staging, merge with ON CONFLICT DO NOTHING. */
export async function copyViaStaging(db: Db, rows: readonly HistoryRow[]): Promise<number> {
  await db.query(CREATE_STAGING);
  await copyRows(db, 'flights_history_staging', rows);
  const res = await db.query<{ n: string }>('SELECT merge_history_staging() AS n');
  return Number(res.rows[0].n);
}

// 14 parameters a row; 1,000 rows a statement stays far below PostgreSQL's 65,535-parameter limit.
const INSERT_ROWS_PER_STATEMENT = 1_000;
const insertSqlCache = new Map<number, string>();

function insertSql(n: number): string {
  let sql = insertSqlCache.get(n);
  if (sql !== undefined) return sql;
  const k = HISTORY_COLUMNS.length;
  const tuples: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = (j: number) => `$${i * k + j + 1}`;
    tuples.push(
      `(${p(0)},to_timestamp(${p(1)}::float8/1000),${p(2)}::geometry,${[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map(p).join(',')})`,
    );
  }
  sql = `INSERT INTO flights_history (${COLUMN_LIST}) VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`;
  insertSqlCache.set(n, sql);
  return sql;
}

/** Baseline: multi-row parameterized INSERT ... ON CONFLICT DO NOTHING. Returns the rows inserted. */
export async function insertHistory(db: Db, rows: readonly HistoryRow[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + INSERT_ROWS_PER_STATEMENT);
    const values: unknown[] = [];
    for (const r of chunk) {
      values.push(
        r.icao24,
        r.ts,
        ewkbPointHex(r.lon, r.lat),
        r.callsign,
        r.baro_alt_m,
        r.geo_alt_m,
        r.speed_ms,
        r.track_deg,
        r.vrate_ms,
        r.on_ground,
        r.squawk,
        r.smooth_lat,
        r.smooth_lon,
        r.smooth_alt_m,
      );
    }
    const res = await db.query(insertSql(chunk.length), values);
    inserted += res.rowCount ?? 0;
  }
  return inserted;
}

/**
 * flights_current from the newest row per aircraft in the batch: the smoothed position and
 * altitude (what the edge shows). Only moves forward in time, so replaying an old batch is harmless.
 */
export async function upsertFlightsCurrent(db: Db, rows: readonly HistoryRow[]): Promise<number> {
  // In icao24 order, so two connections upserting overlapping aircraft lock rows in the same order.
  const latest = latestPerAircraft(rows).sort((a, b) =>
    a.icao24 < b.icao24 ? -1 : a.icao24 > b.icao24 ? 1 : 0,
  );
  if (latest.length === 0) return 0;
  const res = await db.query(
    `INSERT INTO flights_current AS c
       (icao24, callsign, geom, alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk, updated_at)
     SELECT icao24, callsign, ST_SetSRID(ST_MakePoint(lon, lat), 4326), alt_m, speed_ms, track_deg,
            vrate_ms, on_ground, squawk, to_timestamp(ts_ms / 1000)
     FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::real[], $6::real[], $7::real[],
                 $8::real[], $9::bool[], $10::text[], $11::float8[])
       AS u(icao24, callsign, lon, lat, alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk, ts_ms)
     ON CONFLICT (icao24) DO UPDATE SET callsign = excluded.callsign, geom = excluded.geom,
       alt_m = excluded.alt_m, speed_ms = excluded.speed_ms, track_deg = excluded.track_deg,
       vrate_ms = excluded.vrate_ms, on_ground = excluded.on_ground, squawk = excluded.squawk,
       updated_at = excluded.updated_at
     WHERE c.updated_at < excluded.updated_at`,
    [
      latest.map((r) => r.icao24),
      latest.map((r) => r.callsign),
      latest.map((r) => r.smooth_lon),
      latest.map((r) => r.smooth_lat),
      latest.map((r) => r.smooth_alt_m ?? r.geo_alt_m ?? r.baro_alt_m),
      latest.map((r) => r.speed_ms),
      latest.map((r) => r.track_deg),
      latest.map((r) => r.vrate_ms),
      latest.map((r) => r.on_ground),
      latest.map((r) => r.squawk),
      latest.map((r) => r.ts),
    ],
  );
  return res.rowCount ?? 0;
}

/** Upserts AnomalyEvents in order (merge rules in sql/002_functions.sql, upsert_anomalies). */
export async function upsertAnomalies(db: Db, events: readonly AnomalyEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const res = await db.query<{ n: number }>('SELECT upsert_anomalies($1::jsonb) AS n', [
    JSON.stringify(events),
  ]);
  return res.rows[0].n;
}
