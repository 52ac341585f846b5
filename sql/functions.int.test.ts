import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../runtime/db/pool.ts';
import {
  queryAnomalies,
  queryAnomaliesNear,
  queryFlightsInBbox,
  queryFlightTrack,
} from '../runtime/db/queries.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { anomalyEvent, historyRow } from '../sinks/history-fixtures.ts';
import { PostgisSink } from '../sinks/history-sink.ts';
import { upsertAnomalies } from '../sinks/history-writers.ts';

// The SQL functions of sql/002_functions.sql on known data, in a database of this file's own.
let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('it_sql_functions');
  client = createClient(db.url);
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const T0 = Date.UTC(2024, 10, 27, 12, 0, 0);

async function writeRows(rows: Parameters<PostgisSink['write']>[0][]) {
  // retentionDays: the rows are from 2024 and must be inside the sink's history window.
  const sink = new PostgisSink({
    url: db.url,
    batchRows: 1_000,
    flushMs: 20,
    maintenanceEveryMs: 0,
    retentionDays: 100_000,
  });
  for (const r of rows) sink.write(r);
  await sink.close();
}

describe('flight_track', () => {
  it('is a LineString of the fixes in time order, whatever order they were written in', async () => {
    const icao24 = 'f1f1f1';
    const fixes = [0, 1, 2, 3, 4].map((k) =>
      historyRow({ icao24, ts: T0 + k * 10_000, lon: -73 + k * 0.1, lat: 40 + k * 0.05 }),
    );
    // Written as three batches out of time order (as a re-delivery could), plus another aircraft.
    await writeRows([fixes[3], fixes[4]]);
    await writeRows([fixes[0], fixes[2], historyRow({ icao24: 'e2e2e2', ts: T0 + 5_000, lon: 10, lat: 10 })]);
    await writeRows([fixes[1]]);
    const line = await queryFlightTrack(client, icao24, T0, T0 + 40_000);
    expect(line).toEqual({ type: 'LineString', coordinates: fixes.map((f) => [f.lon, f.lat]) });
    // The window is inclusive at both ends and cuts the rest.
    const part = await queryFlightTrack(client, icao24, T0 + 10_000, T0 + 30_000);
    expect(part?.coordinates).toEqual(fixes.slice(1, 4).map((f) => [f.lon, f.lat]));
    expect(await queryFlightTrack(client, icao24, T0 + 35_000, T0 + 45_000)).toBeNull(); // one fix
    expect(await queryFlightTrack(client, 'abcdef', T0, T0 + 40_000)).toBeNull();
  });

  it('spans day partitions', async () => {
    const icao24 = 'd4d4d4';
    const midnight = Date.UTC(2024, 10, 28);
    const fixes = [-20_000, -10_000, 10_000].map((dt, k) =>
      historyRow({ icao24, ts: midnight + dt, lon: k, lat: k }),
    );
    await writeRows(fixes);
    const line = await queryFlightTrack(client, icao24, midnight - 60_000, midnight + 60_000);
    expect(line?.coordinates).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('anomalies_near', () => {
  it('finds anomalies inside the radius since the given time, not those outside either', async () => {
    // JFK (40.6413, -73.7781). 1 degree of latitude is about 111 km.
    const since = T0;
    const inside = anomalyEvent({
      icao24: 'aa0001',
      started_at: T0 + 1_000,
      lat: 40.6413 + 0.04,
      lon: -73.7781,
    }); // ~4.4 km
    const edgeIn = anomalyEvent({
      icao24: 'aa0002',
      started_at: T0 + 2_000,
      lat: 40.6413 + 0.089,
      lon: -73.7781,
    }); // ~9.9 km
    const outside = anomalyEvent({
      icao24: 'aa0003',
      started_at: T0 + 3_000,
      lat: 40.6413 + 0.092,
      lon: -73.7781,
    }); // ~10.2 km
    const tooOld = anomalyEvent({ icao24: 'aa0004', started_at: T0 - 1_000, lat: 40.6413, lon: -73.7781 });
    const farAway = anomalyEvent({ icao24: 'aa0005', started_at: T0 + 4_000, lat: 51.47, lon: -0.4543 });
    await upsertAnomalies(client, [inside, edgeIn, outside, tooOld, farAway]);
    const near = await queryAnomaliesNear(client, -73.7781, 40.6413, 10_000, since);
    expect(near.map((a) => a.id)).toEqual([edgeIn.id, inside.id]); // newest first
    expect(near[0]).toEqual(edgeIn);
    const wide = await queryAnomaliesNear(client, -73.7781, 40.6413, 20_000, since - 10_000);
    expect(wide.map((a) => a.id).sort()).toEqual([inside.id, edgeIn.id, outside.id, tooOld.id].sort());
  });
});

describe('upsert_anomalies', () => {
  it("merges an id's open and closed events, and a late re-delivered 'open' never reopens it", async () => {
    const open = anomalyEvent({
      type: 'rapid_descent',
      icao24: 'bb0001',
      severity: 'warning',
      details: { rate: 25 },
    });
    const closed = {
      ...open,
      phase: 'closed' as const,
      severity: 'critical' as const,
      ended_at: open.started_at + 90_000,
      details: { maxRate: 35 },
    };
    await upsertAnomalies(client, [open, closed, { ...open }]); // open, closed, re-delivered open in one call
    const [stored] = await queryAnomalies(client, { type: 'rapid_descent' });
    expect(stored).toEqual({ ...closed, details: { rate: 25, maxRate: 35 } });
    const again = await upsertAnomalies(client, [open]);
    expect(again).toBe(1);
    expect((await queryAnomalies(client, { type: 'rapid_descent' }))[0].phase).toBe('closed');
  });

  it('GET /anomalies filters by since and type, newest first, with a limit', async () => {
    const evs = [1, 2, 3].map((k) =>
      anomalyEvent({
        type: 'signal_lost',
        icao24: `cc000${k}`,
        severity: 'info',
        started_at: T0 + k * 60_000,
      }),
    );
    await upsertAnomalies(client, evs);
    const got = await queryAnomalies(client, { type: 'signal_lost', sinceMs: T0 + 120_000 });
    expect(got.map((a) => a.icao24)).toEqual(['cc0003', 'cc0002']);
    expect((await queryAnomalies(client, { type: 'signal_lost', limit: 1 })).map((a) => a.icao24)).toEqual([
      'cc0003',
    ]);
  });
});

describe('flights_in_bbox', () => {
  it('returns current flights inside the box, also across the antimeridian', async () => {
    await writeRows([
      historyRow({ icao24: 'c00001', ts: T0, smooth_lon: -73.9, smooth_lat: 40.7 }),
      historyRow({ icao24: 'c00002', ts: T0, smooth_lon: -70, smooth_lat: 40.7 }),
      historyRow({ icao24: 'c00003', ts: T0, smooth_lon: 179.5, smooth_lat: -17 }),
      historyRow({ icao24: 'c00004', ts: T0, smooth_lon: -179.5, smooth_lat: -17 }),
      historyRow({ icao24: 'c00005', ts: T0, smooth_lon: 170, smooth_lat: -17 }),
    ]);
    const nyc = await queryFlightsInBbox(client, [-74.5, 40.4, -73.5, 41]);
    expect(nyc.map((f) => f.icao24).filter((i) => i.startsWith('c0'))).toEqual(['c00001']);
    expect(nyc.find((f) => f.icao24 === 'c00001')).toMatchObject({ lon: -73.9, lat: 40.7, updatedMs: T0 });
    const pacific = await queryFlightsInBbox(client, [179, -18, -179, -16]);
    expect(pacific.map((f) => f.icao24)).toEqual(['c00003', 'c00004']);
  });
});

describe('partitions', () => {
  it('ensure creates each missing day once; drop removes only days past retention', async () => {
    const names = async () =>
      (await client.query<{ name: string }>('SELECT name FROM history_partitions()')).rows.map((r) => r.name);
    const before = await names();
    const made = await client.query<{ n: number }>(
      "SELECT ensure_history_partitions('2020-02-28 10:00Z', '2020-03-01 23:00Z') AS n",
    );
    expect(made.rows[0].n).toBe(3); // 28, 29 (leap day), 1 March
    const again = await client.query<{ n: number }>(
      "SELECT ensure_history_partitions('2020-02-29 00:00Z', '2020-02-29 23:59Z') AS n",
    );
    expect(again.rows[0].n).toBe(0);
    expect(await names()).toEqual(
      [
        ...before,
        'flights_history_p20200228',
        'flights_history_p20200229',
        'flights_history_p20200301',
      ].sort(),
    );
    // A row of 29 Feb 2020 lands in its partition.
    await client.query(
      "INSERT INTO flights_history (icao24, ts, geom, on_ground, smooth_lat, smooth_lon) VALUES ('abcabc', '2020-02-29 23:59:59.999Z', ST_SetSRID(ST_MakePoint(1, 2), 4326), false, 2, 1)",
    );
    const where = await client.query(
      "SELECT tableoid::regclass::text AS p FROM flights_history WHERE icao24 = 'abcabc'",
    );
    expect(where.rows[0].p).toBe('flights_history_p20200229');
    // Retention: a 2020 day is years old; 2024 days (the rows above) are kept with a 10-year retention.
    const dropped = await client.query<{ name: string }>(
      "SELECT drop_history_partitions(now() - '2020-03-01 12:00Z'::timestamptz) AS name",
    );
    expect(dropped.rows.map((r) => r.name)).toEqual([
      'flights_history_p20200228',
      'flights_history_p20200229',
    ]);
    expect(await names()).toEqual([...before, 'flights_history_p20200301'].sort());
  });

  it("every day's BRIN on ts summarizes new ranges as they fill (autosummarize, 005)", async () => {
    await client.query("SELECT ensure_history_partitions('2021-06-01 00:00Z', '2021-06-01 23:00Z')");
    const brins = await client.query<{ partition: string; options: string[] | null }>(
      `SELECT t.relname AS partition, i.reloptions AS options
         FROM pg_inherits h
         JOIN pg_class t ON t.oid = h.inhrelid
         JOIN pg_index x ON x.indrelid = t.oid
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_am a ON a.oid = i.relam
        WHERE h.inhparent = 'flights_history'::regclass AND a.amname = 'brin'`,
    );
    expect(brins.rows.map((r) => r.partition)).toContain('flights_history_p20210601');
    for (const r of brins.rows) expect(r.options, r.partition).toContain('autosummarize=on');
    await client.query("SELECT drop_history_partitions(now() - '2021-06-02 00:00Z'::timestamptz)");
  });

  it('refuses days outside [2000-01-01, 2100-01-01) (22008) and creates nothing for them', async () => {
    const count = async () =>
      Number((await client.query('SELECT count(*) AS n FROM history_partitions()')).rows[0].n);
    const before = await count();
    for (const [from, to] of [
      ['1999-12-31 12:00Z', '1999-12-31 12:00Z'],
      ['2100-01-01 00:00Z', '2100-01-01 00:00Z'],
      ['10000-01-01 00:00Z', '10000-01-01 00:00Z'],
      ['2099-12-31 00:00Z', '2100-01-02 00:00Z'],
    ]) {
      await expect(
        client.query('SELECT ensure_history_partitions($1::timestamptz, $2::timestamptz)', [from, to]),
      ).rejects.toMatchObject({ code: '22008' });
    }
    expect(await count()).toBe(before);
  });

  it('indexes closed days with GiST once, never the days still being written', async () => {
    await client.query("SELECT ensure_history_partitions(now() - interval '3 days', now())");
    const today = await client.query<{ name: string }>(
      "SELECT history_partition_name((now() AT TIME ZONE 'UTC')::date) AS name",
    );
    const indexed = await client.query<{ name: string }>(
      "SELECT index_closed_history_partitions(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS name",
    );
    const names = indexed.rows.map((r) => r.name);
    expect(names).toContain('flights_history_p20241127');
    expect(names).not.toContain(today.rows[0].name);
    const gist = await client.query(
      "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%USING gist (geom)%'",
      ['flights_history_p20241127'],
    );
    expect(gist.rows[0].n).toBe(1);
    const todayGist = await client.query(
      "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%gist%'",
      [today.rows[0].name],
    );
    expect(todayGist.rows[0].n).toBe(0);
    const second = await client.query("SELECT index_closed_history_partitions(now() - interval '1 day')");
    expect(second.rowCount).toBe(0);
    // The planner uses a closed day's GiST for a spatial query on the parent.
    await client.query('ANALYZE flights_history');
    await client.query('SET enable_seqscan = off');
    const plan = await client.query(
      "EXPLAIN SELECT * FROM flights_history WHERE ts >= '2024-11-27' AND ts < '2024-11-28' AND geom && ST_MakeEnvelope(-74, 40, -73, 41, 4326)",
    );
    await client.query('RESET enable_seqscan');
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/flights_history_p20241127_geom_gist/);
  });
});
