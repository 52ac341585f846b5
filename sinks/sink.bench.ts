/**
 * `npm run bench:sink`: 1,000,000 history rows through the sink's COPY path, then the same rows
 * through the staging path (COPY to a temp table + INSERT ... ON CONFLICT) and through multi-row
 * parameterized INSERT ... ON CONFLICT DO NOTHING, each into a fresh database with the real schema,
 * each through PostgisSink (5,000-row batches, flights_current upserts included). Then a re-delivered
 * batch proves duplicates stay impossible on the COPY path. Last line: one JSON object of figures.
 *
 * Env: BENCH_ROWS (1,000,000), BENCH_AIRCRAFT (2,000), BENCH_PATHS (copy,staging,insert),
 * DATABASE_URL (default: the services' PostGIS, started if not running).
 */
import { execFileSync } from 'node:child_process';
import { createClient } from '../runtime/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { syntheticStream } from './history-fixtures.ts';
import { PostgisSink, type PostgisSinkOptions } from './history-sink.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const AIRCRAFT = Number(process.env.BENCH_AIRCRAFT ?? 2_000);
const PATHS = (process.env.BENCH_PATHS ?? 'copy,staging,insert').split(',') as NonNullable<
  PostgisSinkOptions['historyWriter']
>[];
const BATCH_ROWS = 5_000;

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const script = new URL('../runtime/services/postgres.sh', import.meta.url).pathname;
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
  } catch {
    console.log('starting PostGIS (runtime/services/postgres.sh start)');
    execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  }
  return 'postgres://skysentinel:skysentinel@127.0.0.1:15432/skysentinel';
}

async function count(db: TestDatabase): Promise<{ rows: number; duplicateKeys: number }> {
  const c = createClient(db.url);
  await c.connect();
  try {
    const rows = (await c.query('SELECT count(*)::int AS n FROM flights_history')).rows[0].n as number;
    const dupes = await c.query('SELECT 1 FROM flights_history GROUP BY icao24, ts HAVING count(*) > 1');
    return { rows, duplicateKeys: dupes.rowCount ?? 0 };
  } finally {
    await c.end();
  }
}

async function runPath(
  base: string,
  path: (typeof PATHS)[number],
  rows: Parameters<PostgisSink['write']>[0][],
) {
  const db = await createTestDatabase(`bench_sink_${path}`, base);
  try {
    const sink = new PostgisSink({
      url: db.url,
      batchRows: BATCH_ROWS,
      historyWriter: path,
      maintenanceEveryMs: 0,
    });
    const t0 = performance.now();
    let next = 100_000;
    for (let i = 0; i < rows.length; i++) {
      if (!sink.write(rows[i])) await sink.drained();
      if (i + 1 === next) {
        console.log(
          `  ${path}: ${next.toLocaleString('en')} rows written, ${Math.round(next / ((performance.now() - t0) / 1000)).toLocaleString('en')} rows/s so far`,
        );
        next += 100_000;
      }
    }
    await sink.close();
    const seconds = (performance.now() - t0) / 1000;
    const stored = await count(db);
    if (stored.rows !== rows.length || stored.duplicateKeys !== 0) {
      throw new Error(
        `${path}: stored ${stored.rows} rows (${stored.duplicateKeys} duplicate keys), expected ${rows.length}`,
      );
    }
    let redelivery: { rowsAfter: number; duplicateBatches: number } | undefined;
    if (path === 'copy') {
      // A batch delivered again (as after a crash before the offset commit): still one copy of each row.
      const again = new PostgisSink({ url: db.url, batchRows: BATCH_ROWS, maintenanceEveryMs: 0 });
      for (const r of rows.slice(rows.length / 2, rows.length / 2 + BATCH_ROWS)) again.write(r);
      await again.close();
      const after = await count(db);
      if (after.rows !== rows.length || after.duplicateKeys !== 0)
        throw new Error('re-delivered batch was stored twice');
      redelivery = { rowsAfter: after.rows, duplicateBatches: again.duplicateBatches };
    }
    const rowsPerS = Math.round(rows.length / seconds);
    console.log(
      `${path}: ${rows.length.toLocaleString('en')} rows in ${seconds.toFixed(2)} s = ${rowsPerS.toLocaleString('en')} rows/s`,
    );
    return {
      rowsPerS,
      seconds: Number(seconds.toFixed(3)),
      duplicateBatches: sink.duplicateBatches,
      redelivery,
    };
  } finally {
    await db.drop();
  }
}

const base = databaseUrl();
const startMs = Date.now() - 3_600_000; // the last hour: the day being written, as live data is
const fixes = Math.ceil(ROWS / AIRCRAFT);
console.log(`generating ${ROWS.toLocaleString('en')} rows (${AIRCRAFT} aircraft x ${fixes} fixes)`);
const rows = [
  ...syntheticStream({ aircraft: AIRCRAFT, fixesPerAircraft: fixes, startMs, stepMs: 1_000 }),
].slice(0, ROWS);
const results: Record<string, Awaited<ReturnType<typeof runPath>>> = {};
for (const path of PATHS) {
  console.log(`${path}: writing ${rows.length.toLocaleString('en')} rows in ${BATCH_ROWS}-row batches`);
  results[path] = await runPath(base, path, rows);
}
const ratio = (a: string, b: string) =>
  results[a] && results[b] ? Number((results[a].rowsPerS / results[b].rowsPerS).toFixed(2)) : null;
console.log(
  JSON.stringify({
    bench: 'sink',
    rows: rows.length,
    aircraft: AIRCRAFT,
    batchRows: BATCH_ROWS,
    copyRowsPerS: results.copy?.rowsPerS ?? null,
    stagingRowsPerS: results.staging?.rowsPerS ?? null,
    insertRowsPerS: results.insert?.rowsPerS ?? null,
    copyVsInsert: ratio('copy', 'insert'),
    copyVsStaging: ratio('copy', 'staging'),
    redeliveredBatch: results.copy?.redelivery ?? null,
    cpus: (await import('node:os')).cpus().length,
    loadavg1: Number((await import('node:os')).loadavg()[0].toFixed(2)),
  }),
);
