import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../runtime/contract/index.ts';
import { createClient } from '../runtime/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { createMetrics } from '../runtime/metrics/metrics.ts';
import { syntheticStream } from './history-fixtures.ts';
import { PostgisSink } from './history-sink.ts';

// PostgreSQL is stopped and restarted under a running sink, so this file runs its OWN cluster
// (same script, its own port and data dir): the shared one on 15432 is never touched.
const run = promisify(execFile);
const SCRIPT = new URL('../runtime/services/postgres.sh', import.meta.url).pathname;
const PORT = 18550;
const ENV = { ...process.env, PG_PORT: String(PORT), PG_BASE: '/var/tmp/skysentinel-sink-restart-test' };
const BASE_URL = `postgres://skysentinel:skysentinel@127.0.0.1:${PORT}/skysentinel`;
const pg = (action: 'start' | 'stop' | 'restart', keepData = true) =>
  run('bash', [SCRIPT, action], { env: { ...ENV, PG_KEEP_DATA: keepData ? '1' : '0' } });

let db: TestDatabase;
beforeAll(async () => {
  await pg('start', false); // a fresh cluster for this file
  db = await createTestDatabase('it_sink_restart', BASE_URL);
});
afterAll(async () => {
  await pg('start').catch(() => {}); // in case a test failed while it was stopped
  await db?.drop().catch(() => {});
  await pg('stop');
});

async function stored(where: string) {
  const c = createClient(db.url);
  await c.connect();
  try {
    const total = await c.query(`SELECT count(*)::int AS n FROM flights_history WHERE ${where}`);
    const dupes = await c.query(
      `SELECT icao24, ts FROM flights_history WHERE ${where} GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    return { rows: total.rows[0].n as number, duplicateKeys: dupes.rowCount };
  } finally {
    await c.end();
  }
}

/** Writes rows as a well-behaved consumer does: pause on false, resume on drained(). */
async function produce(sink: PostgisSink, rows: Iterable<HistoryRow>, at?: (i: number) => void) {
  let i = 0;
  let maxBuffered = 0;
  for (const r of rows) {
    at?.(i++);
    const ok = sink.write(r);
    maxBuffered = Math.max(maxBuffered, sink.bufferedRows);
    if (!ok) await sink.drained();
  }
  return { accepted: i, maxBuffered };
}

describe('PostgisSink across a PostgreSQL restart', () => {
  it('loses nothing and duplicates nothing when the server restarts mid-stream (twice)', async () => {
    const metrics = createMetrics();
    const sink = new PostgisSink({
      url: db.url,
      batchRows: 1_000,
      flushMs: 50,
      maxBufferedRows: 4_000,
      retentionDays: 100_000, // its rows are from 2024: inside the history window
      retryMinMs: 50,
      retryMaxMs: 500,
      connectTimeoutMs: 2_000,
      maintenanceEveryMs: 0,
      metrics,
    });
    const start = Date.UTC(2024, 10, 27, 14);
    const rows = syntheticStream({ aircraft: 300, fixesPerAircraft: 200, startMs: start }); // 60,000 rows
    const restarts: Promise<unknown>[] = [];
    const { accepted, maxBuffered } = await produce(sink, rows, (i) => {
      if (i === 15_000 || i === 40_000) restarts.push(pg('restart'));
    });
    await Promise.all(restarts);
    await sink.close();
    expect(accepted).toBe(60_000);
    expect(sink.retries).toBeGreaterThan(0); // the restarts did hit the stream
    expect(await metrics.registry.getSingleMetricAsString('skysentinel_sink_errors_total')).not.toMatch(
      / 0$/m,
    );
    expect(maxBuffered).toBeLessThanOrEqual(4_000);
    expect(await stored("ts >= '2024-11-27 14:00Z' AND ts < '2024-11-27 15:00Z'")).toEqual({
      rows: 60_000,
      duplicateKeys: 0,
    });
  });

  it('stays within its buffer while the server is down (write() false, drained() waits), then catches up', async () => {
    const sink = new PostgisSink({
      url: db.url,
      batchRows: 500,
      flushMs: 20,
      maxBufferedRows: 2_000,
      retentionDays: 100_000, // its rows are from 2024: inside the history window
      retryMinMs: 50,
      retryMaxMs: 300,
      connectTimeoutMs: 1_000,
      maintenanceEveryMs: 0,
    });
    const rows = [
      ...syntheticStream({ aircraft: 100, fixesPerAircraft: 100, startMs: Date.UTC(2024, 10, 27, 16) }),
    ];
    // Connected and writing first, then the server goes away.
    await produce(sink, rows.slice(0, 1_000));
    await sink.durable();
    await pg('stop');
    let i = 1_000;
    let refused = false;
    while (i < rows.length) {
      if (!sink.write(rows[i++])) {
        refused = true;
        break;
      }
    }
    expect(refused).toBe(true);
    expect(sink.bufferedRows).toBe(2_000); // capped: the consumer pauses here
    expect(i).toBe(3_000);
    let drained = false;
    let durable = false;
    void sink.drained().then(() => {
      drained = true;
    });
    void sink.durable().then(() => {
      durable = true;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sink.retries).toBeGreaterThan(1); // still trying, with backoff
    expect({ drained, durable, buffered: sink.bufferedRows }).toEqual({
      drained: false,
      durable: false,
      buffered: 2_000,
    });
    await pg('start');
    await sink.drained();
    const rest = await produce(sink, rows.slice(i));
    expect(rest.maxBuffered).toBeLessThanOrEqual(2_000);
    await sink.close();
    expect(await stored("ts >= '2024-11-27 16:00Z' AND ts < '2024-11-27 17:00Z'")).toEqual({
      rows: 10_000,
      duplicateKeys: 0,
    });
  });
});
