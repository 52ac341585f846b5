/**
 * An edge in its own process for tests that measure the server alone (RSS under a stalled
 * client). Driven over IPC: {round, gc} updates every aircraft and ticks; replies with figures
 * (after a full GC when asked, so RSS then shows what is retained).
 */
import { startEdge } from './server.ts';
import { icaoOf, makeTrack } from './test-tracks.ts';

const aircraft = Number(process.argv[2] ?? 3000);
let clockMs = 1_700_000_000_000;
const edge = await startEdge({ port: 0, autoTick: false, now: () => clockMs, uiDir: '/nonexistent' });
const send = (m: object) => process.send?.(m);

process.on('message', (m: { round: number; gc?: boolean }) => {
  clockMs += 250;
  for (let i = 0; i < aircraft; i++) {
    edge.board.upsert(
      makeTrack(icaoOf(i), { lon: -180 + (i % 360) + m.round / 1000, lat: (i % 160) - 80, ts: clockMs }),
    );
  }
  const { bytes } = edge.fanout.tick();
  const world = [...edge.fanout.groups.all()].find((g) => g.key === 'world');
  let maxBuffered = 0;
  for (const s of world?.subscribers.keys() ?? []) maxBuffered = Math.max(maxBuffered, s.getBufferedAmount());
  if (m.gc) (globalThis as { gc?: () => void }).gc?.();
  edge.metrics.wsFramesSkipped.get().then((skipped) => {
    send({
      seq: world?.seq ?? 0,
      bytes,
      maxBuffered,
      rss: process.memoryUsage().rss,
      skipped: skipped.values[0]?.value ?? 0,
    });
  });
});
send({ port: edge.port, rss: process.memoryUsage().rss });
