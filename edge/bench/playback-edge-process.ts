/**
 * The edge in its own process for `npm run bench:playback`: PostGIS history from DATABASE_URL
 * (with the playback connection settings the edge uses), every playback query timed. IPC:
 * {cmd:'stats'} -> per query since the last ask: its time (ms), the frames it read and their rows.
 */
import { postgisEdgeHistory } from '../../runtime/db/edge-history.ts';
import { PLAYBACK_PG_SETTINGS } from '../../runtime/db/playback-queries.ts';
import { createPool } from '../../runtime/db/pool.ts';
import { startEdge } from '../server.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const pool = createPool(url, {
  applicationName: 'skysentinel-bench-playback',
  settings: PLAYBACK_PG_SETTINGS,
});
const history = postgisEdgeHistory(pool);
const events = history.events!;
let queryMs: number[] = [];
let rows: number[] = [];
let frames: number[] = [];
const timed = {
  ...history,
  events: {
    ...events,
    playback: {
      frames: async (...a: Parameters<typeof events.playback.frames>) => {
        const t0 = performance.now();
        const r = await events.playback.frames(...a);
        queryMs.push(performance.now() - t0);
        frames.push(r.length);
        rows.push(r.reduce((n, f) => n + f.length, 0));
        return r;
      },
    },
  },
};
const edge = await startEdge({ port: 0, history: timed, staleAfterS: 60, uiDir: '/nonexistent' });
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') {
    process.send?.({ queryMs, rows, frames });
    queryMs = [];
    rows = [];
    frames = [];
  } else if (m.cmd === 'close') {
    void edge.close().then(() => pool.end().then(() => process.exit(0)));
  }
});
process.send?.({ port: edge.port });
