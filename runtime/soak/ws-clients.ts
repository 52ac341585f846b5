/**
 * The soak run's WebSocket clients, in their own process: `clients` connections to the edge's
 * /ws/flights, most subscribed to one of a few viewport boxes, every 20th to the whole world.
 * Every client checks its seq (asking for a resync on a gap, as the UI does); every
 * `measureEvery`-th also parses its deltas and records, per upsert, frame receipt time minus
 * Track.ts (the fix time, which the synthetic producer sets to its publish time): the
 * end-to-end latency (with the compact encoding it keeps the decoded board, as the UI does, to
 * know every upsert's ts). The others read only the frame head, so 100 clients stay cheap.
 * Driven over IPC: {cmd: 'start', ...} then {cmd: 'report'} -> ClientsReport (interval counters).
 */
import WebSocket from 'ws';
import { CompactDecodeError, CompactDecoder } from '../contract/compact.ts';
import type { BBox } from '../contract/protocol.ts';
import type { Track } from '../contract/track.ts';
import { type HistogramData, LatencyHistogram } from './histogram.ts';

export interface ClientsStart {
  cmd: 'start';
  url: string;
  clients: number;
  boxes: BBox[];
  measureEvery: number;
  /** 'compact' (what the UI asks for) or 'json' (the contract's frames). */
  encoding: 'compact' | 'json';
}

export interface ClientsReport {
  open: number;
  closed: number;
  frames: number;
  deltas: number;
  bytes: number;
  gaps: number;
  snapshots: number;
  upsertsMeasured: number;
  latency: HistogramData;
  latencyMaxMs: number;
}

const HEAD = /^\{"type":"(\w+)"(?:,"seq":(\d+))?/;
let open = 0;
let closed = 0;
let frames = 0;
let deltas = 0;
let bytes = 0;
let gaps = 0;
let snapshots = 0;
let upsertsMeasured = 0;
let hist = new LatencyHistogram();

function startClient(url: string, measure: boolean, compact: boolean): void {
  const ws = new WebSocket(url);
  let seq: number | null = null;
  const decoder = measure && compact ? new CompactDecoder() : null;
  ws.on('open', () => {
    open++;
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    open--;
    closed++;
  });
  ws.on('message', (data: Buffer) => {
    const receivedMs = Date.now();
    frames++;
    bytes += data.length;
    const head = HEAD.exec(data.toString('latin1', 0, 48));
    if (head === null) return;
    const type = head[1];
    if (type === 'snapshot') {
      snapshots++;
      seq = Number(head[2]);
      if (decoder) {
        const frame = JSON.parse(data.toString('utf8')) as { ts: number; flights: unknown[] };
        decoder.snapshot(frame.ts, frame.flights);
      }
    } else if (type === 'delta') {
      deltas++;
      const s = Number(head[2]);
      const inStep = seq === null || s === seq + 1;
      if (!inStep) {
        gaps++;
        decoder?.reset();
        ws.send('{"type":"resync"}');
      }
      seq = s;
      if (measure && inStep) measureDelta(data, receivedMs, decoder, ws);
    }
  });
}

/** Receipt time minus each upsert's Track.ts; compact rows are decoded against the held board. */
function measureDelta(data: Buffer, receivedMs: number, decoder: CompactDecoder | null, ws: WebSocket) {
  const frame = JSON.parse(data.toString('utf8')) as {
    ts: number;
    upserts: unknown[];
    removes: string[];
  };
  let upserts: Track[];
  try {
    upserts = decoder ? decoder.delta(frame.ts, frame.upserts, frame.removes) : (frame.upserts as Track[]);
  } catch (err) {
    if (!(err instanceof CompactDecodeError)) throw err;
    gaps++;
    decoder?.reset();
    ws.send('{"type":"resync"}');
    return;
  }
  for (const t of upserts) hist.add(receivedMs - t.ts);
  upsertsMeasured += upserts.length;
}

process.on('message', (m: ClientsStart | { cmd: 'report' }) => {
  if (m.cmd === 'start') {
    for (let i = 0; i < m.clients; i++) {
      const box = i % 20 === 0 ? null : m.boxes[i % m.boxes.length]!;
      const query = [`encoding=${m.encoding}`, ...(box === null ? [] : [`bbox=${box.join(',')}`])];
      startClient(`${m.url}?${query.join('&')}`, i % m.measureEvery === 0, m.encoding === 'compact');
    }
    process.send?.({ started: m.clients });
  } else if (m.cmd === 'report') {
    const report: ClientsReport = {
      open,
      closed,
      frames,
      deltas,
      bytes,
      gaps,
      snapshots,
      upsertsMeasured,
      latency: hist.data(),
      latencyMaxMs: hist.maxMs,
    };
    frames = deltas = bytes = upsertsMeasured = 0;
    hist = new LatencyHistogram();
    process.send?.(report);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
