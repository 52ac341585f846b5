/**
 * The edge in its own process for `npm run bench:playback`: PostGIS history from DATABASE_URL,
 * every playback slice query timed. IPC: {cmd:'stats'} -> the query times (ms) and rows per
 * query since the last ask.
 */
import { postgisEdgeHistory } from '../../runtime/db/edge-history.ts';
import { createPool } from '../../runtime/db/pool.ts';
import { startEdge } from '../server.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const pool = createPool(url, { applicationName: 'skysentinel-bench-playback' });
const history = postgisEdgeHistory(pool);
const events = history.events!;
let queryMs: number[] = [];
let rows: number[] = [];
const timed = {
  ...history,
  events: {
    ...events,
    playback: {
      slice: async (...a: Parameters<typeof events.playback.slice>) => {
        const t0 = performance.now();
        const r = await events.playback.slice(...a);
        queryMs.push(performance.now() - t0);
        rows.push(r.length);
        return r;
      },
    },
  },
};
const edge = await startEdge({ port: 0, history: timed, staleAfterS: 60, uiDir: '/nonexistent' });
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') {
    process.send?.({ queryMs, rows });
    queryMs = [];
    rows = [];
  } else if (m.cmd === 'close') {
    void edge.close().then(() => pool.end().then(() => process.exit(0)));
  }
});
process.send?.({ port: edge.port });
