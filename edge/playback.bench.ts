/**
 * `npm run bench:playback`: one hour of 15,000 aircraft at 1 Hz (54,000,000 rows) written into a
 * fresh PostGIS database of its own through the history sink (binary COPY batches), then played
 * back at 10x over `/ws/playback` by the real edge in its own process, one client subscribed to the
 * whole world with the compact encoding (what the UI asks for). Reports: the window's row count and
 * write rate; frames on time (each frame's arrival against when its playback time was due); the
 * edge's RSS before, during (sampled each second from /proc) and at the end; the time of each
 * PostgreSQL query (one per frame). Last line: one JSON object.
 *
 * Env: BENCH_AIRCRAFT (15,000), BENCH_MINUTES (60), BENCH_SPEED (10), BENCH_PLAY_S (wall seconds
 * of playback; default the whole window at BENCH_SPEED), BENCH_CONNECTIONS (sink connections, 2),
 * BENCH_KEEP_DB=1 (keep the database; its name is printed), BENCH_DB=<name> (play a database an
 * earlier run kept, or one it left behind when stopped, without writing: the window is its data's),
 * DATABASE_URL.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient } from '../runtime/db/pool.ts';
import {
  createTestDatabase,
  databaseUrlFromEnv,
  type TestDatabase,
  withDatabase,
} from '../runtime/db/test-db.ts';
import { syntheticStream } from '../sinks/history-fixtures.ts';
import { PostgisSink } from '../sinks/history-sink.ts';

const AIRCRAFT = Number(process.env.BENCH_AIRCRAFT ?? 15_000);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 60);
const SPEED = Number(process.env.BENCH_SPEED ?? 10);
const WINDOW_MS = MINUTES * 60_000;
const PLAY_S = Number(process.env.BENCH_PLAY_S ?? WINDOW_MS / 1000 / SPEED);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2);
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
const log = (s: string) => console.log(`[bench:playback] ${s}`);

const base = databaseUrlFromEnv();
log(
  `${cpus().length} cores, load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const reuse = process.env.BENCH_DB;
const db: TestDatabase = reuse
  ? { url: withDatabase(base, reuse), name: reuse, drop: async () => {} }
  : await createTestDatabase('bench_playback', base);
log(`database ${db.name}${reuse ? ' (reused: nothing written)' : ''}`);
// The window ends two minutes ago (the edge caps playback at now), on whole seconds.
let endMs = Math.floor((Date.now() - 120_000) / 1000) * 1000;
let startMs = endMs - WINDOW_MS;
let child: ChildProcess | null = null;
try {
  let writeS: number | null = null;
  if (!reuse) {
    // 1. Write the hour through the sink.
    const sink = new PostgisSink({ url: db.url, connections: CONNECTIONS, maintenanceEveryMs: 0 });
    const total = AIRCRAFT * (WINDOW_MS / 1000);
    const t0 = performance.now();
    let written = 0;
    let nextReport = 1_000_000;
    for (const row of syntheticStream({
      aircraft: AIRCRAFT,
      fixesPerAircraft: WINDOW_MS / 1000,
      startMs,
      stepMs: 1000,
    })) {
      if (!sink.write(row)) await sink.drained();
      if (++written >= nextReport) {
        const el = (performance.now() - t0) / 1000;
        log(
          `${written.toLocaleString('en')} of ${total.toLocaleString('en')} rows, ${Math.round(written / el).toLocaleString('en')} rows/s`,
        );
        nextReport += 5_000_000;
      }
    }
    await sink.durable();
    await sink.close();
    writeS = (performance.now() - t0) / 1000;
  }
  const c = createClient(db.url);
  await c.connect();
  if (reuse) {
    // The window is the data's: the first and last fix of the first aircraft (primary key order).
    const ends = await c.query<{ lo: number; hi: number }>(
      `SELECT (SELECT (extract(epoch FROM ts) * 1000)::float8 FROM flights_history WHERE icao24 = 'a00000' ORDER BY ts LIMIT 1) AS lo,
              (SELECT (extract(epoch FROM ts) * 1000)::float8 FROM flights_history WHERE icao24 = 'a00000' ORDER BY ts DESC LIMIT 1) AS hi`,
    );
    startMs = Math.floor(ends.rows[0].lo / 1000) * 1000;
    endMs = Math.ceil(ends.rows[0].hi / 1000) * 1000 + 1000;
  }
  await c.query('ANALYZE flights_history');
  const rowsStored = Number((await c.query('SELECT count(*) AS n FROM flights_history')).rows[0].n);
  const sizeMb = mb(
    Number(
      (
        await c.query(
          `SELECT sum(pg_total_relation_size(inhrelid)) AS b FROM pg_inherits WHERE inhparent = 'flights_history'::regclass`,
        )
      ).rows[0].b,
    ),
  );
  await c.end();
  log(
    `${rowsStored.toLocaleString('en')} rows (${sizeMb} MB with indexes) from ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}` +
      (writeS === null
        ? ''
        : `, written in ${writeS.toFixed(0)} s: ${Math.round(rowsStored / writeS).toLocaleString('en')} rows/s`),
  );

  // 2. The edge in its own process.
  child = fork(fileURLToPath(new URL('./bench/playback-edge-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: db.url },
  });
  const [hello] = (await once(child, 'message')) as [{ port: number }];
  const pid = child.pid as number;
  await new Promise((r) => setTimeout(r, 1000));
  const rssIdle = rssOf(pid);

  // 3. Play from the start of the window at SPEED for PLAY_S.
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
  await new Promise((r) => setTimeout(r, PLAY_S * 1000));
  clearInterval(rssTimer);
  ws.close();
  child.send({ cmd: 'stats' });
  const [stats] = (await once(child, 'message')) as [{ queryMs: number[]; rows: number[] }];
  child.send({ cmd: 'close' });
  await once(child, 'exit');
  child = null;

  const q = stats.queryMs.slice(1); // the first is the snapshot's
  const quarter = Math.max(1, Math.floor(rss.length / 4));
  const figures = {
    bench: 'playback',
    aircraft: AIRCRAFT,
    minutes: MINUTES,
    rowsInWindow: rowsStored,
    writeRowsPerS: writeS === null ? null : Math.round(rowsStored / writeS),
    historyMb: sizeMb,
    speed: SPEED,
    playedS: PLAY_S,
    windowMinutes: Math.round((endMs - startMs) / 6000) / 10,
    playbackMinutesCovered: Math.round(((PLAY_S * SPEED) / 60) * 10) / 10,
    snapshotRows,
    snapshotMs: Math.round(snapshotMs),
    frames,
    framesExpected: Math.floor((PLAY_S * 1000) / TICK_MS),
    upsertsPerFrameP50: pct(upserts, 50),
    frameLateMsP50: pct(lateMs, 50),
    frameLateMsP95: pct(lateMs, 95),
    frameLateMsMax: pct(lateMs, 100),
    framesWithinOneTick:
      lateMs.length === 0 ? null : lateMs.filter((x) => x <= TICK_MS).length / lateMs.length,
    queryMsP50: pct(q, 50),
    queryMsP95: pct(q, 95),
    queryMsMax: pct(q, 100),
    rowsPerQueryP50: pct(stats.rows.slice(1), 50),
    edgeRssIdleMb: mb(rssIdle),
    edgeRssFirstQuarterMaxMb: mb(Math.max(...rss.slice(0, quarter))),
    edgeRssLastQuarterMaxMb: mb(Math.max(...rss.slice(-quarter))),
    edgeRssMaxMb: mb(Math.max(...rss)),
    wsMbReceived: mb(bytes),
    load: loadavg()[0],
  };
  log(
    `${frames} frames in ${PLAY_S} s (${figures.framesExpected} ticks): late p50 ${figures.frameLateMsP50} ms, p95 ${figures.frameLateMsP95} ms; ` +
      `query p50 ${figures.queryMsP50} ms, p95 ${figures.queryMsP95} ms; edge RSS idle ${figures.edgeRssIdleMb} MB, max ${figures.edgeRssMaxMb} MB`,
  );
  console.log(JSON.stringify(figures));
} finally {
  child?.kill();
  if (process.env.BENCH_KEEP_DB === '1') log(`kept database ${db.name}`);
  else await db.drop();
}
