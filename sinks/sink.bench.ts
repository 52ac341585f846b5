/**
 * `npm run bench:sink`: 1,000,000 history rows through the sink's COPY path, then the same rows
 * through the staging path (COPY to a temp table + INSERT ... ON CONFLICT) and through multi-row
 * parameterized INSERT ... ON CONFLICT DO NOTHING, each into a fresh database with the real schema,
 * each through PostgisSink (5,000-row batches, flights_current upserts included). Then a re-delivered
 * batch proves duplicates stay impossible on the COPY path. Last line: one JSON object of figures.
 *
 * Env: BENCH_ROWS (1,000,000), BENCH_AIRCRAFT (2,000), BENCH_PATHS (copy,staging,insert),
 * BENCH_CONNECTIONS (the sink's connections, 2),
 * DATABASE_URL (default: the services' PostGIS, started if not running).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { HistoryRow } from '../runtime/contract/index.ts';
import { createClient } from '../runtime/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { syntheticStream } from './history-fixtures.ts';
import { PostgisSink, type PostgisSinkOptions } from './history-sink.ts';

type Path = NonNullable<PostgisSinkOptions['historyWriter']>;
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const AIRCRAFT = Number(process.env.BENCH_AIRCRAFT ?? 2_000);
const PATHS = (process.env.BENCH_PATHS ?? 'copy,staging,insert').split(',') as Path[];
const BATCH_ROWS = 5_000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2);

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

/** CPU seconds (user + system) a local process has used, from /proc (null when unreadable). */
function processCpuS(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks at 100 Hz
  } catch {
    return null;
  }
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

const rate = (rows: number, s: number | null) => (s === null || s <= 0 ? null : Math.round(rows / s));
const fmt = (n: number | null) => (n === null ? '?' : n.toLocaleString('en'));

async function runPath(base: string, path: Path, rows: HistoryRow[]) {
  const db = await createTestDatabase(`bench_sink_${path}`, base);
  try {
    const sink = new PostgisSink({
      url: db.url,
      batchRows: BATCH_ROWS,
      historyWriter: path,
      maintenanceEveryMs: 0,
    });
    const t0 = performance.now();
    const node0 = process.cpuUsage();
    const pgCpu0 = new Map<number, number | null>(); // server backend pid -> CPU seconds at first sight
    let next = 100_000;
    for (let i = 0; i < rows.length; i++) {
      if (!sink.write(rows[i])) await sink.drained();
      if (pgCpu0.size < sink.backendPids.length) {
        for (const pid of sink.backendPids) if (!pgCpu0.has(pid)) pgCpu0.set(pid, processCpuS(pid));
      }
      if (i + 1 === next) {
        const soFar = Math.round(next / ((performance.now() - t0) / 1000));
        console.log(`  ${path}: ${fmt(next)} rows written, ${fmt(soFar)} rows/s so far`);
        next += 100_000;
      }
    }
    await sink.flush();
    const seconds = (performance.now() - t0) / 1000;
    const nodeUsage = process.cpuUsage(node0);
    const nodeCpuS = (nodeUsage.user + nodeUsage.system) / 1e6;
    let pgCpuS: number | null = pgCpu0.size > 0 ? 0 : null;
    for (const [pid, before] of pgCpu0) {
      const after = processCpuS(pid);
      pgCpuS = before === null || after === null || pgCpuS === null ? null : pgCpuS + after - before;
    }
    await sink.close();
    const stored = await count(db);
    if (stored.rows !== rows.length || stored.duplicateKeys !== 0) {
      throw new Error(
        `${path}: stored ${stored.rows} rows (${stored.duplicateKeys} duplicate keys), expected ${rows.length}`,
      );
    }
    let redelivery: { rowsAfter: number; duplicateBatches: number } | null = null;
    if (path === 'copy') {
      // A batch delivered again (as after a crash before the offset commit): still one copy of each row.
      const again = new PostgisSink({ url: db.url, batchRows: BATCH_ROWS, maintenanceEveryMs: 0 });
      for (const r of rows.slice(rows.length / 2, rows.length / 2 + BATCH_ROWS)) again.write(r);
      await again.close();
      const after = await count(db);
      if (after.rows !== rows.length || after.duplicateKeys !== 0)
        throw new Error('a re-delivered batch was stored twice');
      redelivery = { rowsAfter: after.rows, duplicateBatches: again.duplicateBatches };
    }
    // The machine's load distorts rows/s but hardly the CPU spent per row. On an idle machine this
    // process and the sink's server backend run on separate cores and overlap: throughput tends to
    // rows / (the busier one's CPU seconds); never lower than rows / (their sum).
    const result = {
      rowsPerS: Math.round(rows.length / seconds),
      seconds: Number(seconds.toFixed(2)),
      nodeCpuS: Number(nodeCpuS.toFixed(2)),
      pgBackendCpuS: pgCpuS === null ? null : Number(pgCpuS.toFixed(2)),
      rowsPerSumCpuS: rate(rows.length, pgCpuS === null ? null : nodeCpuS + pgCpuS),
      rowsPerBusiestCpuS: rate(rows.length, pgCpuS === null ? null : Math.max(nodeCpuS, pgCpuS)),
      duplicateBatches: sink.duplicateBatches,
      redelivery,
    };
    console.log(
      `${path}: ${fmt(rows.length)} rows in ${result.seconds} s = ${fmt(result.rowsPerS)} rows/s; CPU: node ${result.nodeCpuS} s, backend ${result.pgBackendCpuS} s -> ${fmt(result.rowsPerSumCpuS)} rows per CPU-second`,
    );
    return result;
  } finally {
    await db.drop();
  }
}

const base = databaseUrl();
const startMs = Date.now() - 3_600_000; // the last hour: the day being written, as live data is
const fixes = Math.ceil(ROWS / AIRCRAFT);
console.log(
  `generating ${fmt(ROWS)} rows (${AIRCRAFT} aircraft x ${fixes} fixes), load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`,
);
const rows = [
  ...syntheticStream({ aircraft: AIRCRAFT, fixesPerAircraft: fixes, startMs, stepMs: 1_000 }),
].slice(0, ROWS);
const results: Partial<Record<Path, Awaited<ReturnType<typeof runPath>>>> = {};
for (const path of PATHS) {
  console.log(`${path}: writing ${fmt(rows.length)} rows in ${BATCH_ROWS}-row batches`);
  results[path] = await runPath(base, path, rows);
}
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a && b ? Number((a / b).toFixed(2)) : null;
console.log(
  JSON.stringify({
    bench: 'sink',
    rows: rows.length,
    aircraft: AIRCRAFT,
    batchRows: BATCH_ROWS,
    connections: CONNECTIONS,
    copyRowsPerS: results.copy?.rowsPerS ?? null,
    stagingRowsPerS: results.staging?.rowsPerS ?? null,
    insertRowsPerS: results.insert?.rowsPerS ?? null,
    copyVsInsert: ratio(results.copy?.rowsPerS, results.insert?.rowsPerS),
    copyVsStaging: ratio(results.copy?.rowsPerS, results.staging?.rowsPerS),
    copyVsInsertPerCpuS: ratio(results.copy?.rowsPerSumCpuS, results.insert?.rowsPerSumCpuS),
    paths: results,
    cpus: cpus().length,
    loadavg1: Number(loadavg()[0].toFixed(2)),
  }),
);
