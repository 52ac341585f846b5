import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DlqRecord, HistoryRow } from '../runtime/contract/index.ts';
import { createClient } from '../runtime/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { createMetrics } from '../runtime/metrics/metrics.ts';
import { DAY_MS } from './batch.ts';
import { anomalyEvent, historyRow, syntheticStream } from './history-fixtures.ts';
import { PostgisSink } from './history-sink.ts';

// Poison rows that reach the sink (bypassing validation, as a future bug or another producer might):
// the sink must never die of data. Each is dead-lettered with its reason while every other row is
// stored exactly once, and the sink keeps writing.
let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('it_history_poison');
  client = createClient(db.url);
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);

describe('PostgisSink and poison rows', () => {
  it('dead-letters NUL text, ts 1e20, year 10000 and 300 distinct days with their reasons; stores the rest once; goes on', {
    timeout: 60_000,
  }, async () => {
    const nowMs = Date.now();
    const today = Math.floor(nowMs / DAY_MS);
    const metrics = createMetrics();
    const dead: DlqRecord[] = [];
    let failOnce = true;
    const sink = new PostgisSink({
      url: db.url,
      batchRows: 500,
      flushMs: 20,
      maintenanceEveryMs: 0,
      metrics,
      deadLetter: async (records) => {
        if (failOnce) {
          failOnce = false; // the bus refuses once: retried, never acknowledged without its records
          throw new Error('dlq publish failed');
        }
        dead.push(...records);
      },
      retryMinMs: 10,
      retryMaxMs: 50,
    });
    // 2,000 good rows over the last hour, 200 aircraft.
    const good = [
      ...syntheticStream({ aircraft: 200, fixesPerAircraft: 10, startMs: nowMs - 3_600_000, stepMs: 60_000 }),
    ];
    const poison: HistoryRow[] = [
      historyRow({ icao24: 'dead01', ts: nowMs - 1_000, callsign: 'DAL\u0000123' }),
      historyRow({ icao24: 'dead02', ts: 1e20 }),
      historyRow({ icao24: 'dead03', ts: Date.UTC(10_000, 0, 1) }),
      // 300 distinct days: 150 far in the past (before retention), 150 far ahead.
      ...Array.from({ length: 300 }, (_, k) =>
        historyRow({
          icao24: (0xd00000 + k).toString(16),
          ts: (k < 150 ? today - 40 - k * 30 : today + 40 + (k - 150) * 30) * DAY_MS + 43_200_000,
        }),
      ),
    ];
    // Interleaved: poison rows land in many batches among good ones.
    const stream: HistoryRow[] = [];
    for (let i = 0, p = 0; i < good.length; i++) {
      stream.push(good[i]!);
      if (i % 6 === 0 && p < poison.length) stream.push(poison[p++]!);
    }
    expect(stream.length).toBe(good.length + poison.length);
    for (const r of stream) sink.write(r);
    sink.writeAnomaly(anomalyEvent({ icao24: 'dead04', callsign: 'BAD\u0000', started_at: nowMs - 5_000 }));
    sink.writeAnomaly(anomalyEvent({ icao24: 'a00001', started_at: nowMs - 5_000 }));
    await sink.durable();

    expect(await count('SELECT count(*) AS n FROM flights_history')).toBe(good.length);
    expect(await count('SELECT count(DISTINCT (icao24, ts)) AS n FROM flights_history')).toBe(good.length);
    expect(
      await count("SELECT count(*) AS n FROM flights_history WHERE icao24 LIKE 'dead%' OR icao24 LIKE 'd0%'"),
    ).toBe(0);
    expect(await count('SELECT count(*) AS n FROM flights_current')).toBe(200);
    expect(await count("SELECT count(*) AS n FROM anomalies WHERE icao24 = 'a00001'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM anomalies WHERE icao24 = 'dead04'")).toBe(0);

    const byIcao = new Map(dead.map((d) => [JSON.parse(d.raw).icao24 as string, d]));
    expect(dead).toHaveLength(poison.length + 1);
    expect(byIcao.get('dead01')).toMatchObject({ topic: 'flights_history', partition: null, offset: null });
    expect(byIcao.get('dead01')!.reason).toMatch(/^flights_history: 22021 invalid byte sequence .*0x00/);
    expect(byIcao.get('dead02')!.reason).toMatch(
      /^flights_history: ts 100000000000000000000 outside the history window/,
    );
    expect(byIcao.get('dead03')!.reason).toMatch(
      /^flights_history: ts \+010000-01-01T00:00:00\.000Z outside/,
    );
    expect(byIcao.get('dead04')).toMatchObject({ topic: 'anomalies' });
    expect(byIcao.get('dead04')!.reason).toMatch(/^anomalies: 22P05 /);
    for (let k = 0; k < 300; k++) {
      expect(byIcao.get((0xd00000 + k).toString(16))?.reason).toMatch(/outside the history window/);
    }
    // Partitions only inside the window: today +- 30 days (the 300 days made none).
    const days = (await client.query<{ day: Date }>('SELECT day FROM history_partitions()')).rows.map((r) =>
      Math.floor(r.day.getTime() / DAY_MS),
    );
    expect(days.every((d) => d >= today - 30 && d <= today + 31)).toBe(true);
    expect(days.length).toBeLessThanOrEqual(3);
    const refused = await metrics.registry.getSingleMetric('skysentinel_sink_refused_total')!.get();
    expect(refused.values.find((v) => v.labels.table === 'flights_history')?.value).toBe(poison.length);
    expect(sink.refusedRows).toBe(poison.length + 1);

    // It keeps serving: the next rows are stored.
    sink.write(historyRow({ icao24: 'a0ffff', ts: nowMs }));
    await sink.close();
    expect(await count("SELECT count(*) AS n FROM flights_history WHERE icao24 = 'a0ffff'")).toBe(1);
  });

  it('a re-delivered batch holding a poison row stores nothing twice and dead-letters the row again', async () => {
    const nowMs = Date.now();
    const rows = [
      ...syntheticStream({ aircraft: 20, fixesPerAircraft: 5, startMs: nowMs - 600_000, stepMs: 10_000 }),
    ].map((r) => ({ ...r, icao24: `b${r.icao24.slice(1)}` }));
    const bad = historyRow({ icao24: 'deadbb', ts: nowMs - 2_000, callsign: 'X\u0000' });
    const dead: DlqRecord[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const sink = new PostgisSink({
        url: db.url,
        batchRows: 1_000,
        flushMs: 20,
        maintenanceEveryMs: 0,
        deadLetter: async (r) => {
          dead.push(...r);
        },
      });
      for (const r of [...rows.slice(0, 50), bad, ...rows.slice(50)]) sink.write(r);
      await sink.close();
      if (pass === 1) expect(sink.duplicateBatches).toBe(0); // the data error came first: isolated via staging
    }
    expect(await count("SELECT count(*) AS n FROM flights_history WHERE icao24 LIKE 'b%'")).toBe(rows.length);
    expect(dead.map((d) => JSON.parse(d.raw).icao24)).toEqual(['deadbb', 'deadbb']);
  });
});
