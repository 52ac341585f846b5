/**
 * An edge in its own process, on the real clock, for the fault tests: it ticks at 4 Hz by
 * itself and a feeder moves `aircraft` aircraft at 1 Hz each (a quarter of the fleet every
 * 250 ms), as the actors would. Its RSS is the server's alone. Driven over IPC:
 *   {cmd: 'stats', gc?: boolean} -> EdgeStats (after a full GC when asked)
 * argv: aircraft count, port (0: any free port), UI directory (default: none, so 503 for UI paths).
 */
import { startEdge } from '../server.ts';
import { icaoOf, makeTrack } from '../test-tracks.ts';

export interface EdgeStats {
  rss: number;
  heapUsed: number;
  clients: number;
  /** Largest uWS backpressure over all sockets right now (bytes the server holds for one client). */
  maxBuffered: number;
  /** Sum of every socket's uWS backpressure. */
  totalBuffered: number;
  /** Sockets currently skipping frames (over the soft limit). */
  skipping: number;
  framesSkipped: number;
}

const aircraft = Number(process.argv[2] ?? 3000);
const edge = await startEdge({
  port: Number(process.argv[3] ?? 0),
  uiDir: process.argv[4] ?? '/nonexistent',
});
const send = (m: object) => process.send?.(m);

let round = 0;
const quarter = Math.ceil(aircraft / 4);
const feed = setInterval(() => {
  const nowMs = Date.now();
  const from = (round % 4) * quarter;
  for (let i = from; i < Math.min(aircraft, from + quarter); i++) {
    const drift = (round / 4) * 0.001;
    edge.board.upsert(
      makeTrack(icaoOf(i), { lon: -170 + ((i * 7) % 340) + drift, lat: ((i * 13) % 160) - 80, ts: nowMs }),
    );
  }
  round++;
}, 250);
process.on('message', (m: { cmd: string; gc?: boolean }) => {
  if (m.cmd !== 'stats') return;
  if (m.gc) (globalThis as { gc?: () => void }).gc?.();
  let maxBuffered = 0;
  let totalBuffered = 0;
  for (const g of edge.fanout.groups.all()) {
    for (const s of g.subscribers.keys()) {
      const b = s.getBufferedAmount();
      maxBuffered = Math.max(maxBuffered, b);
      totalBuffered += b;
    }
  }
  const lagging = (edge.fanout as unknown as { clients: Map<unknown, { lagging: boolean }> }).clients;
  let skipping = 0;
  for (const c of lagging.values()) if (c.lagging) skipping++;
  edge.metrics.wsFramesSkipped.get().then((skipped) => {
    const mem = process.memoryUsage();
    const stats: EdgeStats = {
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      clients: edge.fanout.clientCount,
      maxBuffered,
      totalBuffered,
      skipping,
      framesSkipped: skipped.values[0]?.value ?? 0,
    };
    send(stats);
  });
});
process.on('disconnect', () => {
  clearInterval(feed);
  edge.close().finally(() => process.exit(0));
});
send({ port: edge.port, rss: process.memoryUsage().rss });
