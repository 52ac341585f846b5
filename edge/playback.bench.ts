/**
 * `npm run bench:playback`: one hour of 15,000 aircraft at 1 Hz (54,000,000 rows) written into a
 * PostGIS database of the bench's own through the history sink (binary COPY batches), then played
 * back at 10x over `/ws/playback` by the real edge in its own process, one client subscribed to the
 * whole world with the compact encoding (what the UI asks for). Reports: the window's row count and
 * the sink's write rate; frames on time (each frame's arrival against when its playback time was
 * due, and how many arrived of the ticks the playback lasted); the edge's RSS before, during
 * (sampled each second from /proc) and at the end; the time of each PostgreSQL query (one per
 * chunk of frames) and per frame; the load average. Last line: one JSON object.
 *
 * The written hour is kept for the next run: the database `bench_playback_<aircraft>x<minutes>m`
 * holds it with a table `bench_playback_window` (its window and the sink's rate when it was
 * written). A run that finds the whole window there (counted) reuses it and says so; one that
 * finds it partly written (a run stopped) writes the missing rounds through the sink.
 *
 * Env: BENCH_AIRCRAFT (15,000), BENCH_MINUTES (60), BENCH_SPEED (10), BENCH_PLAY_S (wall seconds
 * of playback; default the whole window at BENCH_SPEED; 0: write only), BENCH_CONNECTIONS (sink
 * connections, 2), BENCH_DB (the database's name), BENCH_FRESH=1 (drop it and write again),
 * BENCH_DROP=1 (drop it at the end: ~9 GB for the full hour), BENCH_SHAPE_CHUNKS (12 chunks of 4
 * frames read both ways before playing, to compare the query shapes by CPU; 0 skips), DATABASE_URL.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import WebSocket from 'ws';
import { SERVICE_NODE_FLAGS } from '../runtime/cli/node-flags.ts';
import { migrate } from '../runtime/db/migrator.ts';
import { queryPlaybackFrames } from '../runtime/db/playback-queries.ts';
import { createClient } from '../runtime/db/pool.ts';
import { databaseUrlFromEnv, withDatabase } from '../runtime/db/test-db.ts';
import { syntheticStream } from '../sinks/history-fixtures.ts';
import { PostgisSink } from '../sinks/history-sink.ts';

const AIRCRAFT = Number(process.env.BENCH_AIRCRAFT ?? 15_000);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 60);
const SPEED = Number(process.env.BENCH_SPEED ?? 10);
const WINDOW_MS = MINUTES * 60_000;
const FIXES = WINDOW_MS / 1000;
const EXPECTED_ROWS = AIRCRAFT * FIXES;
const PLAY_S = Number(process.env.BENCH_PLAY_S ?? WINDOW_MS / 1000 / SPEED);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2);
const DB_NAME = process.env.BENCH_DB ?? `bench_playback_${AIRCRAFT}x${MINUTES}m`;
const TICK_MS = 250; // the edge's default 4 Hz

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};
const mb = (bytes: number) => Math.round(bytes / 1048576);
const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};
const load = () => loadavg().map((x) => Math.round(x * 10) / 10);
const en = (n: number) => Math.round(n).toLocaleString('en');
const log = (s: string) => console.log(`[bench:playback] ${s}`);
const SHAPE_CHUNKS = Number(process.env.BENCH_SHAPE_CHUNKS ?? 12);

/** CPU ms (user + system) a local process has used, from /proc. */
function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // clock ticks at 100 Hz
}

/**
 * The baseline the edge's query replaced, for the same chunk of frames: the same `DISTINCT ON
 * (frame, icao24)` read as pg's text rows (a query with parameters), not a binary COPY.
 */
async function distinctOnTextFrames(db: pg.Client, bounds: number[]): Promise<number> {
  const n = bounds.length - 1;
  const res = await db.query({
    text: `SELECT DISTINCT ON (f, icao24) f, icao24, callsign, date_part('epoch', ts) * 1000,
        smooth_lat, smooth_lon, smooth_alt_m, speed_ms, track_deg, vrate_ms, on_ground, squawk
      FROM (SELECT width_bucket(ts - interval '1 microsecond',
          (SELECT array_agg(to_timestamp(x / 1000) ORDER BY x) FROM unnest($1::float8[]) x)) - 1 AS f, *
        FROM flights_history WHERE ts > to_timestamp($2::float8 / 1000) AND ts <= to_timestamp($3::float8 / 1000)) s
      ORDER BY f, icao24, ts DESC`,
    values: [bounds, bounds[0], bounds[n]],
    rowMode: 'array',
  });
  return res.rows.length;
}

/**
 * CPU per frame of three query shapes over the same chunks of this window (10x, 4 frames a
 * chunk), alternated so load affects both alike: the PostgreSQL backend's (from /proc) and this
 * process's. CPU time, not wall time: the machine is shared.
 */
async function compareShapes(db: pg.Client) {
  if (SHAPE_CHUNKS < 1) return null;
  await db.query('SET jit = off');
  await db.query("SET work_mem = '64MB'"); // the baseline's sort in memory, its best case
  const backend = (await db.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
  const frameMs = SPEED * TICK_MS;
  const acc = {
    distinctOnCopy: { pg: 0, node: 0, rows: 0 },
    allRowsCopy: { pg: 0, node: 0, rows: 0 },
    distinctOnText: { pg: 0, node: 0, rows: 0 },
  };
  const kinds = ['distinctOnCopy', 'allRowsCopy', 'distinctOnText'] as const;
  for (let i = 0; i < SHAPE_CHUNKS; i++) {
    const from = startMs + Math.min(60_000, WINDOW_MS / 4) + i * 4 * frameMs;
    const bounds = [0, 1, 2, 3, 4].map((k) => from + k * frameMs);
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(i + k) % kinds.length];
      const p0 = cpuMsOf(backend);
      const u0 = process.cpuUsage();
      const rows =
        kind === 'distinctOnText'
          ? await distinctOnTextFrames(db, bounds)
          : (
              await queryPlaybackFrames(
                db,
                bounds,
                null,
                kind === 'allRowsCopy' ? 'all-rows' : 'newest-per-frame',
              )
            ).reduce((n, f) => n + f.length, 0);
      const u = process.cpuUsage(u0);
      acc[kind].pg += cpuMsOf(backend) - p0;
      acc[kind].node += (u.user + u.system) / 1000;
      acc[kind].rows += rows;
    }
  }
  await db.query('RESET ALL');
  const frames = SHAPE_CHUNKS * 4;
  const per = (a: { pg: number; node: number; rows: number }) => ({
    pgCpuMsPerFrame: Math.round((a.pg / frames) * 10) / 10,
    edgeCpuMsPerFrame: Math.round((a.node / frames) * 10) / 10,
    rowsPerFrame: Math.round(a.rows / frames),
  });
  const out = {
    frames,
    distinctOnCopy: per(acc.distinctOnCopy),
    allRowsCopy: per(acc.allRowsCopy),
    distinctOnText: per(acc.distinctOnText),
  };
  const say = (x: ReturnType<typeof per>) => `${x.pgCpuMsPerFrame} + ${x.edgeCpuMsPerFrame}`;
  log(
    `query shapes over ${frames} frames at ${SPEED}x, CPU ms per frame (PostgreSQL + edge): DISTINCT ON as binary COPY ` +
      `${say(out.distinctOnCopy)} (the edge's), all rows as binary COPY ${say(out.allRowsCopy)}, DISTINCT ON as text rows ${say(out.distinctOnText)}`,
  );
  return out;
}

if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME))
  throw new Error(`BENCH_DB must be a plain lower-case name: ${DB_NAME}`);
const base = databaseUrlFromEnv();
const url = withDatabase(base, DB_NAME);
log(`${cpus().length} cores, load ${load().join(' ')}`);

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const a = createClient(base);
  await a.connect();
  try {
    return await work(a);
  } finally {
    await a.end();
  }
}

// 1. The bench's database: made (and migrated) once, kept for the next run.
await admin(async (a) => {
  if (process.env.BENCH_FRESH === '1') await a.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  const there = await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
  if (there.rowCount === 0) await a.query(`CREATE DATABASE ${DB_NAME}`);
});
const c = createClient(url);
await c.connect();
await migrate(c);
await c.query(`CREATE TABLE IF NOT EXISTS bench_playback_window (
  aircraft int NOT NULL, minutes int NOT NULL, start_ms float8 NOT NULL,
  written_rows bigint NOT NULL DEFAULT 0, write_s float8 NOT NULL DEFAULT 0, complete_at timestamptz)`);
let meta = (
  await c.query<{
    aircraft: number;
    minutes: number;
    start_ms: number;
    written_rows: string;
    write_s: number;
    complete_at: Date | null;
  }>('SELECT * FROM bench_playback_window')
).rows[0];
if (meta === undefined) {
  // A new window: it ends two minutes ago (the edge caps playback at now), on whole seconds.
  const startMs = Math.floor((Date.now() - 120_000 - WINDOW_MS) / 1000) * 1000;
  await c.query('INSERT INTO bench_playback_window (aircraft, minutes, start_ms) VALUES ($1, $2, $3)', [
    AIRCRAFT,
    MINUTES,
    startMs,
  ]);
  meta = {
    aircraft: AIRCRAFT,
    minutes: MINUTES,
    start_ms: startMs,
    written_rows: '0',
    write_s: 0,
    complete_at: null,
  };
}
if (meta.aircraft !== AIRCRAFT || meta.minutes !== MINUTES)
  throw new Error(
    `${DB_NAME} holds ${meta.aircraft} aircraft x ${meta.minutes} min, not ${AIRCRAFT} x ${MINUTES}: BENCH_FRESH=1 rewrites it`,
  );
const startMs = meta.start_ms;
const endMs = startMs + WINDOW_MS;
const countRows = async () =>
  Number(
    (
      await c.query(
        'SELECT count(*) AS n FROM flights_history WHERE ts >= to_timestamp($1::float8 / 1000) AND ts < to_timestamp($2::float8 / 1000)',
        [startMs, endMs],
      )
    ).rows[0].n,
  );

// 2. The hour, through the sink: whatever rounds are missing (all of them the first time).
let rowsStored = await countRows();
let writeThisRun: { rows: number; s: number } | null = null;
if (rowsStored === EXPECTED_ROWS) {
  const rate = Number(meta.written_rows) / meta.write_s;
  log(
    `reusing ${DB_NAME}: ${en(rowsStored)} rows (counted), the whole window, written through the sink ` +
      `${meta.complete_at?.toISOString() ?? '?'} at ${en(rate)} rows/s (${en(Number(meta.written_rows))} rows in ${Math.round(meta.write_s)} s): nothing written`,
  );
} else {
  const newest = (
    await c.query<{ ms: number | null }>(
      `SELECT (date_part('epoch', max(ts)) * 1000)::float8 AS ms FROM flights_history`,
    )
  ).rows[0].ms;
  // Two rounds back from the newest row: with two connections a batch may have committed before
  // the one ahead of it; the rows written again are skipped by the sink's duplicate-key path.
  const fromFix = newest === null ? 0 : Math.max(0, Math.floor((newest - startMs) / 1000) - 2);
  log(
    `${en(rowsStored)} of ${en(EXPECTED_ROWS)} rows there: writing rounds ${fromFix}..${FIXES - 1} ` +
      `(${en((FIXES - fromFix) * AIRCRAFT)} rows) through the sink, ${CONNECTIONS} connections, ` +
      `window ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()}`,
  );
  const sink = new PostgisSink({ url, connections: CONNECTIONS, maintenanceEveryMs: 0 });
  const t0 = performance.now();
  let written = 0;
  let s0 = meta.write_s;
  let r0 = Number(meta.written_rows);
  const saveProgress = async () => {
    const s = (performance.now() - t0) / 1000;
    await c.query('UPDATE bench_playback_window SET written_rows = $1, write_s = $2', [r0 + written, s0 + s]);
  };
  let nextReport = 1_000_000;
  for (const row of syntheticStream({
    aircraft: AIRCRAFT,
    fixesPerAircraft: FIXES,
    startMs,
    stepMs: 1000,
    fromFix,
  })) {
    if (!sink.write(row)) await sink.drained();
    if (++written >= nextReport) {
      const el = (performance.now() - t0) / 1000;
      log(
        `${en(written)} of ${en((FIXES - fromFix) * AIRCRAFT)} rows in ${Math.round(el)} s: ${en(written / el)} rows/s, load ${load().join(' ')}`,
      );
      await saveProgress();
      nextReport += 2_500_000;
    }
  }
  await sink.durable();
  await sink.close();
  const s = (performance.now() - t0) / 1000;
  writeThisRun = { rows: written, s };
  await saveProgress();
  s0 = r0 = 0;
  rowsStored = await countRows();
  if (rowsStored === EXPECTED_ROWS) await c.query('UPDATE bench_playback_window SET complete_at = now()');
  log(
    `wrote ${en(written)} rows through the sink in ${Math.round(s)} s: ${en(written / s)} rows/s (load ${load().join(' ')}); ` +
      `the window now holds ${en(rowsStored)} of ${en(EXPECTED_ROWS)}`,
  );
  await c.query('ANALYZE flights_history');
}
// BRIN ranges written since the last vacuum are not summarized, and a BRIN scan reads every
// unsummarized range: right after this write that was the last ~95,000 pages, read by every
// playback query (PostgreSQL 358 ms per frame instead of ~30). Autovacuum summarizes them at its
// next pass over the partition (after another 20% of its rows are inserted); do it now.
const summarized = Number(
  (
    await c.query(`SELECT coalesce(sum(brin_summarize_new_values(h.inhrelid)), 0) AS n
      FROM pg_inherits h WHERE h.inhparent = 'flights_history_ts_brin'::regclass`)
  ).rows[0].n,
);
log(`BRIN on ts: ${summarized} page ranges were not summarized yet (summarized now)`);
const sizeMb = mb(Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b));
const shapes = await compareShapes(c);
const finalMeta = (await c.query('SELECT written_rows, write_s FROM bench_playback_window')).rows[0];
await c.end();
log(`${DB_NAME}: ${en(rowsStored)} rows, ${en(sizeMb)} MB on disk`);

let child: ChildProcess | null = null;
try {
  if (PLAY_S > 0) {
    // 3. The edge in its own process.
    child = fork(fileURLToPath(new URL('./bench/playback-edge-process.ts', import.meta.url)), [], {
      // The flags the service runs with (a 64 MB young generation: a frame's rows die young).
      execArgv: ['--import', 'tsx', ...SERVICE_NODE_FLAGS],
      env: { ...process.env, DATABASE_URL: url },
    });
    const [hello] = (await once(child, 'message')) as [{ port: number }];
    const pid = child.pid as number;
    await new Promise((r) => setTimeout(r, 1000));
    const rssIdle = rssOf(pid);

    // 4. Play from the start of the window at SPEED for PLAY_S.
    const loadStart = load();
    const ws = new WebSocket(
      `ws://127.0.0.1:${hello.port}/ws/playback?from=${startMs}&to=${endMs}&speed=${SPEED}&encoding=compact`,
    );
    let wallAt0 = 0;
    let playAt0 = startMs;
    const lateMs: number[] = [];
    const upserts: number[] = [];
    let frames = 0;
    let bytes = 0;
    let snapshotRows = 0;
    let snapshotMs = 0;
    const opened = performance.now();
    ws.on('message', (data: Buffer) => {
      const now = performance.now();
      bytes += data.length;
      const f = JSON.parse(data.toString()) as {
        type: string;
        ts?: number;
        flights?: unknown[];
        upserts?: unknown[];
      };
      if (f.type === 'snapshot') {
        snapshotRows = f.flights?.length ?? 0;
        snapshotMs = now - opened;
        wallAt0 = now;
        playAt0 = f.ts as number;
      } else if (f.type === 'delta') {
        frames++;
        upserts.push(f.upserts?.length ?? 0);
        // When this frame's playback time was due on the client's clock (from the snapshot).
        const dueAt = wallAt0 + ((f.ts as number) - playAt0) / SPEED;
        lateMs.push(now - dueAt);
      }
    });
    await once(ws, 'open');
    const rss: number[] = [];
    const rssTimer = setInterval(() => rss.push(rssOf(pid)), 1000);
    const edgeCpu0 = cpuMsOf(pid);
    const wall0 = performance.now();
    // The ticks the playback lasted: from the snapshot to the end of the run.
    await new Promise((r) => setTimeout(r, PLAY_S * 1000));
    const playedMs = performance.now() - wallAt0;
    // The cores the edge process used while playing (its thread, V8's helpers, uWS's I/O).
    const edgeCores = (cpuMsOf(pid) - edgeCpu0) / (performance.now() - wall0);
    const loadMid = load();
    clearInterval(rssTimer);
    ws.close();
    child.send({ cmd: 'stats' });
    const [stats] = (await once(child, 'message')) as [
      { queryMs: number[]; rows: number[]; frames: number[] },
    ];
    child.send({ cmd: 'close' });
    await once(child, 'exit');
    child = null;

    // The first query is the snapshot's.
    const q = stats.queryMs.slice(1);
    const perFrame = q.map((ms, i) => ms / Math.max(1, stats.frames[i + 1]));
    const figures = {
      bench: 'playback',
      aircraft: AIRCRAFT,
      minutes: MINUTES,
      rowsInWindow: rowsStored,
      database: DB_NAME,
      databaseMb: sizeMb,
      reused: writeThisRun === null,
      writeRowsPerS: Math.round(
        writeThisRun === null
          ? Number(finalMeta.written_rows) / finalMeta.write_s
          : writeThisRun.rows / writeThisRun.s,
      ),
      speed: SPEED,
      playedS: PLAY_S,
      playbackMinutesCovered: Math.round(((PLAY_S * SPEED) / 60) * 10) / 10,
      snapshotRows,
      snapshotMs: Math.round(snapshotMs),
      frames,
      framesExpected: Math.floor(playedMs / TICK_MS),
      upsertsPerFrameP50: pct(upserts, 50),
      frameLateMsP50: pct(lateMs, 50),
      frameLateMsP95: pct(lateMs, 95),
      frameLateMsMax: pct(lateMs, 100),
      framesWithinOneTick:
        lateMs.length === 0 ? null : lateMs.filter((x) => x <= TICK_MS).length / lateMs.length,
      queries: q.length,
      framesPerQueryP50: pct(stats.frames.slice(1), 50),
      queryMsP50: pct(q, 50),
      queryMsP95: pct(q, 95),
      queryMsMax: pct(q, 100),
      queryMsPerFrameP50: pct(perFrame, 50),
      queryMsPerFrameP95: pct(perFrame, 95),
      rowsPerQueryP50: pct(stats.rows.slice(1), 50),
      edgeRssIdleMb: mb(rssIdle),
      edgeRssStartMb: mb(rss[0] ?? 0),
      edgeRssMaxMb: mb(Math.max(...rss)),
      edgeRssEndMb: mb(rss.at(-1) ?? 0),
      wsMbReceived: mb(bytes),
      edgeCpuCores: Math.round(edgeCores * 100) / 100,
      edgeCpuMsPerFrame: frames === 0 ? null : Math.round((edgeCores * playedMs) / frames),
      shapes,
      loadStart,
      loadMid,
      loadEnd: load(),
    };
    log(
      `${frames} frames of ${figures.framesExpected} ticks in ${Math.round(playedMs / 1000)} s: late p50 ${figures.frameLateMsP50} ms, p95 ${figures.frameLateMsP95} ms; ` +
        `${q.length} queries, p50 ${figures.queryMsP50} ms (${figures.queryMsPerFrameP50} ms per frame); ` +
        `edge RSS idle ${figures.edgeRssIdleMb} MB, start ${figures.edgeRssStartMb}, max ${figures.edgeRssMaxMb}, end ${figures.edgeRssEndMb} MB; ` +
        `the edge used ${figures.edgeCpuCores} cores (${figures.edgeCpuMsPerFrame} ms CPU per frame); load ${figures.loadMid.join(' ')}`,
    );
    console.log(JSON.stringify(figures));
  }
} finally {
  child?.kill();
  if (process.env.BENCH_DROP === '1') {
    await admin((a) => a.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));
    log(`dropped ${DB_NAME}`);
  } else log(`kept ${DB_NAME} (${en(sizeMb)} MB) for the next run: BENCH_DROP=1 drops it`);
}
