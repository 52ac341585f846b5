/**
 * WebSocket clients for the edge benchmark, in their own process. argv: port first count
 * worldClients compress encoding (json | compact). Client i (global index) subscribes to the
 * whole world when i < worldClients, else to region (i % 20). Clients read every frame but parse
 * only the frame head (type, seq, ts) and count upserts with a byte search: the benchmark
 * measures the server, and 1,000 full JSON.parse loops would measure the clients' CPU instead.
 * IPC: {cmd:'reset'} starts a window, {cmd:'read'} answers its figures.
 */
import WebSocket from 'ws';
import { REGION_COLS, REGION_ROWS, regionBox } from './synthetic.ts';

const [port, first, count, worldClients, compressArg] = process.argv.slice(2).map(Number);
const compress = compressArg === 1;
const compact = process.argv[7] === 'compact';
const UPSERT = Buffer.from('{"icao24":');
/** Compact rows: the first follows `"upserts":[`, every other one follows the previous row's `]`. */
const FIRST_ROW = Buffer.from('"upserts":[[');
const NEXT_ROW = Buffer.from('],["');
const REMOVES = Buffer.from('"removes":');

function countUpserts(data: Buffer): number {
  let n = 0;
  if (!compact) {
    for (let at = data.indexOf(UPSERT); at !== -1; at = data.indexOf(UPSERT, at + 10)) n += 1;
    return n;
  }
  // A row's values never contain `],["` (strings are callsigns, squawks, ids; anomalies come last but one).
  const end = data.lastIndexOf(REMOVES);
  if (data.indexOf(FIRST_ROW) === -1) return 0;
  n = 1;
  for (let at = data.indexOf(NEXT_ROW); at !== -1 && at < end; at = data.indexOf(NEXT_ROW, at + 4)) n += 1;
  return n;
}
const HEAD = /^\{"type":"(\w+)"(?:,"seq":(\d+),"ts":(\d+))?/;

interface Client {
  ws: WebSocket;
  seq: number | null;
  maxLagMs: number;
  gaps: number;
  snapshots: number;
  bytesAtReset: number;
}

const clients: Client[] = [];
let frames = 0;
let upserts = 0;
let opened = 0;
let cpuAtReset = process.cpuUsage();

function connect(i: number): void {
  const bbox = i < worldClients ? null : regionBox(i % (REGION_COLS * REGION_ROWS));
  // The box in the URL: the first snapshot is the box, not the whole world.
  const params = [bbox === null ? '' : `bbox=${bbox.join(',')}`, compact ? 'encoding=compact' : ''];
  const query = params.some((p) => p !== '') ? `?${params.filter((p) => p !== '').join('&')}` : '';
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/flights${query}`, { perMessageDeflate: compress });
  const c: Client = { ws, seq: null, maxLagMs: 0, gaps: 0, snapshots: 0, bytesAtReset: 0 };
  clients.push(c);
  ws.on('open', () => {
    if (++opened === count) process.send?.({ ready: true });
  });
  ws.on('message', (data: Buffer) => {
    const m = HEAD.exec(data.toString('latin1', 0, 64));
    if (m === null) return;
    frames += 1;
    if (m[1] === 'snapshot') {
      c.snapshots += 1;
      c.seq = Number(m[2]);
    } else if (m[1] === 'delta') {
      const seq = Number(m[2]);
      if (c.seq !== null && seq !== c.seq + 1) c.gaps += 1;
      c.seq = seq;
      c.maxLagMs = Math.max(c.maxLagMs, Date.now() - Number(m[3]));
      upserts += countUpserts(data);
    }
  });
  ws.on('error', (err) => process.send?.({ error: String(err) }));
}

for (let k = 0; k < count; k++) {
  connect(first + k);
  if (k % 50 === 49) await new Promise((r) => setTimeout(r, 20)); // do not SYN-flood the listener
}

const socketBytes = (c: Client) =>
  (c.ws as unknown as { _socket?: { bytesRead: number } })._socket?.bytesRead ?? 0;

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'reset') {
    frames = 0;
    upserts = 0;
    cpuAtReset = process.cpuUsage();
    for (const c of clients) {
      c.maxLagMs = 0;
      c.gaps = 0;
      c.snapshots = 0;
      c.bytesAtReset = socketBytes(c);
    }
    process.send?.({ ok: true });
  } else if (m.cmd === 'read') {
    const cpu = process.cpuUsage(cpuAtReset);
    process.send?.({
      frames,
      upserts,
      wireBytes: clients.reduce((sum, c) => sum + socketBytes(c) - c.bytesAtReset, 0),
      behind: clients.filter((c) => c.maxLagMs > 1000 || c.gaps > 0 || c.snapshots > 0).length,
      maxLagMs: Math.max(...clients.map((c) => c.maxLagMs)),
      open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length,
      cpuS: (cpu.user + cpu.system) / 1e6,
    });
  }
});
