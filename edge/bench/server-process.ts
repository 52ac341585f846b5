/**
 * One benchmark server in its own process (so its CPU is its own): `uws` = the real edge
 * (startEdge), `ws` = the same protocol on a plain `ws` server, `uws-raw` / `ws-raw` = the same
 * frames published bare (raw-server.ts, the calibration). argv: kind aircraft compress.
 * IPC: {cmd:'mark'} starts a measurement window, {cmd:'read'} answers its figures.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createMetrics } from '../../runtime/metrics/metrics.ts';
import { startEdge } from '../server.ts';
import { CpuMeter } from './cpu-meter.ts';
import { startRawServer } from './raw-server.ts';
import { SyntheticFeed } from './synthetic.ts';
import { startWsServer } from './ws-server.ts';

const [kind = 'uws', aircraftArg = '10000', compressArg = '0'] = process.argv.slice(2);
const compress = compressArg === '1';
const metrics = createMetrics();
const TICK_HZ = 4;

const server =
  kind === 'uws'
    ? await startEdge({ port: 0, tickHz: TICK_HZ, metrics, compression: compress, uiDir: '/nonexistent' })
    : kind === 'ws'
      ? await startWsServer({ metrics, tickHz: TICK_HZ, compress })
      : await startRawServer(kind === 'uws-raw' ? 'uws' : 'ws', TICK_HZ);
const feed = new SyntheticFeed(server.board, Number(aircraftArg));
/**
 * The work both servers share, metered apart from the fan-out: the synthetic feed with its
 * board upserts, expiry, change tracking and building every group's frames. The rest of the
 * server's CPU is the fan-out: per-socket checks, encoding frames to bytes, publish/send, the
 * sockets' writes, timers, and the GC not caught inside the metered calls.
 */
const shared = new CpuMeter();
shared.wrap(feed, 'step');
shared.wrap(server.board, 'expire');
shared.wrap(server.board, 'takeChanges');
shared.wrap(server.fanout.groups, 'tick');
feed.start();

/** BENCH_PROF=dir: a V8 CPU profile of the measurement window only (not start-up or connects). */
const profDir = process.env.BENCH_PROF;
const session = profDir ? new Session() : null;
const profiler = {
  start: async () => {
    if (session === null) return;
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  },
  stop: async () => {
    if (session === null || profDir === undefined) return;
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(
      join(profDir, `${process.argv[2]}${compress ? '-deflate' : ''}.cpuprofile`),
      JSON.stringify(profile),
    );
    session.disconnect();
  },
};

let mark = {
  cpu: process.cpuUsage(),
  wallMs: Date.now(),
  sharedUs: 0,
  updates: 0,
  bytes: 0,
  skipped: 0,
  ticks: 0,
  tickSum: 0,
};
const counter = async (c: { get(): Promise<{ values: { value: number }[] }> }) =>
  (await c.get()).values[0]?.value ?? 0;
const tickStats = async () => {
  const h = await metrics.edgeTickSeconds.get();
  const count =
    h.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))?.value ?? 0;
  const sum = h.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_sum'))?.value ?? 0;
  return { count, sum };
};

process.on('message', async (m: { cmd: string }) => {
  if (m.cmd === 'mark') {
    await profiler.start();
    const t = await tickStats();
    mark = {
      cpu: process.cpuUsage(),
      wallMs: Date.now(),
      sharedUs: shared.us,
      updates: feed.updates,
      bytes: await counter(metrics.wsBytesSent),
      skipped: await counter(metrics.wsFramesSkipped),
      ticks: t.count,
      tickSum: t.sum,
    };
    process.send?.({ ok: true });
  } else if (m.cmd === 'read') {
    const cpu = process.cpuUsage(mark.cpu);
    const wallMs = Date.now() - mark.wallMs;
    const t = await tickStats();
    await profiler.stop();
    process.send?.({
      cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
      sysCpuShare: cpu.system / 1000 / wallMs,
      sharedCpuShare: (shared.us - mark.sharedUs) / 1000 / wallMs,
      wallMs,
      updatesPerS: ((feed.updates - mark.updates) * 1000) / wallMs,
      payloadBytesPerS: (((await counter(metrics.wsBytesSent)) - mark.bytes) * 1000) / wallMs,
      framesSkipped: (await counter(metrics.wsFramesSkipped)) - mark.skipped,
      tickMeanMs: t.count > mark.ticks ? ((t.sum - mark.tickSum) / (t.count - mark.ticks)) * 1000 : 0,
      rssMb: process.memoryUsage().rss / 1e6,
    });
  }
});
process.send?.({ port: server.port });
