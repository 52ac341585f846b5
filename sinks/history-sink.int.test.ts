import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRowOf } from '../runtime/contract/index.ts';
import { createClient } from '../runtime/db/pool.ts';
import { queryAnomalies } from '../runtime/db/queries.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { createMetrics } from '../runtime/metrics/metrics.ts';
import { anomalyEvent, historyRow, syntheticStream } from './history-fixtures.ts';
import { PostgisSink, type PostgisSinkOptions } from './history-sink.ts';

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('it_history_sink');
  client = createClient(db.url);
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

// retentionDays: most rows here are from 2018-2024, which must be inside the history window.
const sinkFor = (o: Partial<PostgisSinkOptions> = {}) =>
  new PostgisSink({
    url: db.url,
    batchRows: 500,
    flushMs: 20,
    maintenanceEveryMs: 0,
    retentionDays: 100_000,
    ...o,
  });
const count = async (table: string, where = 'true', params: unknown[] = []) =>
  Number((await client.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params)).rows[0].n);

describe('PostgisSink', () => {
  it('stores rows with their values and a 4326 point geometry', async () => {
    const r = historyRow({
      icao24: 'a1a1a1',
      ts: Date.UTC(2024, 10, 27, 8, 30, 15, 123),
      lat: 40.123456789,
      lon: -73.987654321,
    });
    const nulls = historyRow({
      icao24: 'a1a1a2',
      baro_alt_m: null,
      geo_alt_m: null,
      speed_ms: null,
      track_deg: null,
      vrate_ms: null,
      squawk: null,
      smooth_alt_m: null,
      on_ground: true,
      callsign: 'A\tB\\C',
    });
    const sink = sinkFor();
    sink.write(r);
    sink.write(nulls);
    await sink.close();
    const res = await client.query(
      `SELECT icao24, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, ST_SRID(geom) AS srid, GeometryType(geom) AS gtype,
         ST_X(geom) AS lon, ST_Y(geom) AS lat, callsign, baro_alt_m, geo_alt_m, speed_ms, track_deg, vrate_ms,
         on_ground, squawk, smooth_lat, smooth_lon, smooth_alt_m, tableoid::regclass::text AS part
       FROM flights_history WHERE icao24 IN ('a1a1a1', 'a1a1a2') ORDER BY icao24`,
    );
    const f = Math.fround;
    expect(res.rows[0]).toEqual({
      icao24: 'a1a1a1',
      ts_ms: String(r.ts),
      srid: 4326,
      gtype: 'POINT',
      lon: r.lon,
      lat: r.lat,
      callsign: r.callsign,
      baro_alt_m: f(r.baro_alt_m!),
      geo_alt_m: f(r.geo_alt_m!),
      speed_ms: f(r.speed_ms!),
      track_deg: f(r.track_deg!),
      vrate_ms: f(r.vrate_ms!),
      on_ground: false,
      squawk: r.squawk,
      smooth_lat: r.smooth_lat,
      smooth_lon: r.smooth_lon,
      smooth_alt_m: f(r.smooth_alt_m!),
      part: 'flights_history_p20241127',
    });
    expect(res.rows[1]).toMatchObject({
      icao24: 'a1a1a2',
      callsign: 'A\tB\\C',
      baro_alt_m: null,
      geo_alt_m: null,
      speed_ms: null,
      on_ground: true,
      squawk: null,
      smooth_alt_m: null,
    });
  });

  it("writeFix (the actors' path: the envelope plus smoothed values) stores what write(historyRowOf) does", async () => {
    const read = async (icao24: string) =>
      (
        await client.query(
          `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, ST_X(geom) AS lon, ST_Y(geom) AS lat, callsign,
             baro_alt_m, geo_alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk, smooth_lat, smooth_lon,
             smooth_alt_m FROM flights_history WHERE icao24 = $1 ORDER BY ts`,
          [icao24],
        )
      ).rows;
    const smooth = new Float64Array(3);
    const sink = sinkFor();
    for (let i = 0; i < 3; i++) {
      // An envelope's shape: optional fields absent, a value, or null.
      const fix = {
        icao24: 'f1f1f1',
        ts: Date.UTC(2024, 10, 27, 6, 0, i),
        lat: 40.5 + i / 100,
        lon: -73.5,
        on_ground: i === 2,
        ...(i === 0 ? { baro_alt_m: 1000.5, speed_ms: 120.25, squawk: '7700' } : { geo_alt_m: null }),
      };
      smooth.set([40.500001 + i / 100, -73.500002, i === 1 ? Number.NaN : 1001.5]);
      expect(sink.writeFix(fix, 'FIX123', smooth)).toBe(true);
      sink.write({ ...historyRowOf(fix, 'FIX123', smooth), icao24: 'f1f1f2' });
    }
    await sink.close();
    const viaFix = await read('f1f1f1');
    expect(viaFix).toHaveLength(3);
    expect(viaFix).toEqual(await read('f1f1f2'));
    expect(viaFix[1]).toMatchObject({
      callsign: 'FIX123',
      baro_alt_m: null,
      squawk: null,
      smooth_alt_m: null,
    });
  });

  it('leaves one copy when a batch is delivered twice (re-delivery after a crash)', async () => {
    const rows = [
      ...syntheticStream({ aircraft: 40, fixesPerAircraft: 10, startMs: Date.UTC(2024, 10, 27, 9) }),
    ];
    const first = sinkFor();
    for (const r of rows) first.write(r);
    await first.close();
    expect(first.duplicateBatches).toBe(0);
    const metrics = createMetrics();
    const extra = historyRow({ icao24: 'b2b2b2', ts: Date.UTC(2024, 10, 27, 9, 30) });
    const second = sinkFor({ metrics, batchRows: 10_000 });
    for (const r of rows) second.write(r);
    second.write(extra);
    await second.close();
    expect(second.duplicateBatches).toBe(1); // the fast COPY hit the primary key; staging merged instead
    expect(await count('flights_history', "ts >= '2024-11-27 09:00Z' AND ts < '2024-11-27 10:00Z'")).toBe(
      rows.length + 1,
    );
    const dupes = await client.query(
      'SELECT icao24, ts FROM flights_history GROUP BY 1, 2 HAVING count(*) > 1',
    );
    expect(dupes.rowCount).toBe(0);
    const rowsTotal = await metrics.registry.getSingleMetric('skysentinel_sink_rows_total')!.get();
    expect(rowsTotal.values.find((v) => v.labels.table === 'flights_history')?.value).toBe(1);
  });

  it('creates the partition of a day that has none when its rows arrive', async () => {
    const old = historyRow({ icao24: 'c3c3c3', ts: Date.UTC(2019, 0, 1, 0, 0, 0, 1) });
    const parts = async () =>
      (await client.query("SELECT name FROM history_partitions() WHERE name = 'flights_history_p20190101'"))
        .rowCount;
    expect(await parts()).toBe(0);
    const sink = sinkFor();
    sink.write(old);
    await sink.close();
    expect(await parts()).toBe(1);
    expect(await count('flights_history', "icao24 = 'c3c3c3'")).toBe(1);
  });

  it("recreates a day's partition dropped under it (retention) and writes on", async () => {
    const day = Date.UTC(2018, 5, 1, 12);
    const sink = sinkFor({ retryMinMs: 10 });
    sink.write(historyRow({ icao24: 'c4c4c4', ts: day }));
    await sink.durable();
    await client.query('DROP TABLE flights_history_p20180601');
    sink.write(historyRow({ icao24: 'c4c4c4', ts: day + 1_000 }));
    await sink.close();
    expect(await count('flights_history', "icao24 = 'c4c4c4'")).toBe(1); // the first went with its partition
    expect(sink.retries).toBe(1);
  });

  it('maintain() indexes closed days with GiST but not a day it is writing, and drops days past retention', async () => {
    const gist = async (table: string) =>
      Number(
        (
          await client.query(
            "SELECT count(*) AS n FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gist%'",
            [table],
          )
        ).rows[0].n,
      );
    const writer = sinkFor({ retentionDays: 100_000 });
    writer.write(historyRow({ icao24: 'c5c5c5', ts: Date.UTC(2024, 10, 20, 12) }));
    await writer.flush();
    const own = await writer.maintain();
    expect(own.indexed).not.toContain('flights_history_p20241120'); // written a moment ago: a replay may go on
    expect(own.dropped).toEqual([]);
    await writer.close();
    const other = sinkFor({ retentionDays: 100_000 });
    const later = await other.maintain();
    expect(later.indexed).toContain('flights_history_p20241120');
    expect(await gist('flights_history_p20241120')).toBe(1);
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    expect(later.indexed).not.toContain(`flights_history_p${today}`);
    await other.close();
    await client.query("SELECT ensure_history_partitions('2001-01-01Z', '2001-01-01Z')");
    const pruner = sinkFor({ retentionDays: 3_650 }); // ten years: 2001 goes, 2018-2024 stay
    expect((await pruner.maintain()).dropped).toEqual(['flights_history_p20010101']);
    await pruner.close();
  });

  it('acknowledges (durable) only after commit; batchRows triggers a write before flushMs', async () => {
    const sink = sinkFor({ batchRows: 100, flushMs: 60_000 });
    const start = Date.UTC(2024, 10, 27, 10);
    const rows = [...syntheticStream({ aircraft: 10, fixesPerAircraft: 15, startMs: start })]; // 150 rows
    for (const r of rows.slice(0, 50)) sink.write(r);
    let acked = false;
    const durable = sink.durable().then(() => {
      acked = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(acked).toBe(false); // 50 rows < batchRows and flushMs is a minute away
    expect(await count('flights_history', "ts >= '2024-11-27 10:00Z' AND ts < '2024-11-27 11:00Z'")).toBe(0);
    for (const r of rows.slice(50)) sink.write(r);
    await durable; // the first 100 rows filled a batch
    expect(
      await count('flights_history', "ts >= '2024-11-27 10:00Z' AND ts < '2024-11-27 11:00Z'"),
    ).toBeGreaterThanOrEqual(100);
    await sink.close();
    expect(await count('flights_history', "ts >= '2024-11-27 10:00Z' AND ts < '2024-11-27 11:00Z'")).toBe(
      150,
    );
  });

  it('keeps flights_current at the newest row per aircraft; an old re-delivered batch does not move it back', async () => {
    const t = Date.UTC(2024, 10, 27, 11);
    const a = (k: number) =>
      historyRow({
        icao24: 'd4d4d4',
        ts: t + k * 5_000,
        smooth_lat: 41 + k,
        smooth_lon: -74 + k,
        smooth_alt_m: 1000 + k,
      });
    const sink = sinkFor({ batchRows: 2 });
    for (const k of [0, 1, 2, 3, 4]) sink.write(a(k));
    await sink.close();
    const current = async () =>
      (
        await client.query(
          "SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, alt_m, (extract(epoch FROM updated_at) * 1000)::bigint AS ms FROM flights_current WHERE icao24 = 'd4d4d4'",
        )
      ).rows[0];
    expect(await current()).toEqual({ lon: -70, lat: 45, alt_m: 1004, ms: String(t + 20_000) });
    const replay = sinkFor();
    replay.write(a(1));
    await replay.close();
    expect(await current()).toEqual({ lon: -70, lat: 45, alt_m: 1004, ms: String(t + 20_000) });
  });

  it("writes anomalies in the batch; an 'open' then 'closed' event for one id leave one closed row", async () => {
    const metrics = createMetrics();
    const sink = sinkFor({ metrics });
    const open = anomalyEvent({ icao24: 'e5e5e5', started_at: Date.UTC(2024, 10, 27, 12, 1) });
    sink.anomalySink.emit(open);
    await sink.anomalySink.durable();
    expect((await queryAnomalies(client, { sinceMs: open.started_at })).map((x) => [x.id, x.phase])).toEqual([
      [open.id, 'open'],
    ]);
    const closed = { ...open, phase: 'closed' as const, ended_at: open.started_at + 30_000 };
    sink.writeAnomaly(closed);
    sink.write(historyRow({ icao24: 'e5e5e5', ts: open.started_at + 30_000 }));
    await sink.close();
    expect(await queryAnomalies(client, { sinceMs: open.started_at })).toEqual([closed]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/skysentinel_sink_rows_total\{table="anomalies"\} 2/);
    expect(text).toMatch(/skysentinel_sink_batch_rows_count 2/);
    expect(text).toMatch(/skysentinel_sink_flush_seconds_count 2/);
  });

  it('fails durable() with the database error when a write cannot succeed (no endless retry)', async () => {
    const other = await createTestDatabase('it_history_sink_broken');
    try {
      const admin = createClient(other.url);
      await admin.connect();
      await admin.query('DROP TABLE flights_current CASCADE');
      await admin.end();
      const metrics = createMetrics();
      const sink = new PostgisSink({
        url: other.url,
        batchRows: 10,
        flushMs: 10,
        maintenanceEveryMs: 0,
        metrics,
      });
      sink.write(historyRow({ ts: Date.now() }));
      await expect(sink.durable()).rejects.toThrow(/flights_current/);
      expect(() => sink.write(historyRow())).toThrow(/flights_current/);
      await expect(sink.close()).rejects.toThrow(/flights_current/);
      expect(await metrics.registry.getSingleMetricAsString('skysentinel_sink_errors_total')).toMatch(/ 1$/m);
    } finally {
      await other.drop();
    }
  });
});
