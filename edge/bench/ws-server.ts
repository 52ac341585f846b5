import { type WebSocket, WebSocketServer } from 'ws';
import { WS_MAX_CLIENT_MESSAGE_BYTES } from '../../runtime/contract/index.ts';
import type { Metrics } from '../../runtime/metrics/metrics.ts';
import { TrackBoard } from '../board.ts';
import { Fanout, type Transport } from '../fanout.ts';
import { checkBboxQuery, checkEncoding } from '../params.ts';

/**
 * The same /ws/flights protocol (the same Fanout, board and frames) served by a plain `ws`
 * server: the benchmark's baseline. Each frame is still serialized and encoded once; `ws`
 * then frames and writes it per socket in a loop, where uWS publishes it natively.
 */
export async function startWsServer(options: { metrics: Metrics; tickHz: number; compress: boolean }) {
  const board = new TrackBoard({ now: Date.now, staleAfterS: 60 });
  const active = new Map<string, Set<WebSocket>>();
  const everyone = new Set<WebSocket>();
  const transport: Transport<WebSocket> = {
    buffered: (s) => s.bufferedAmount,
    send: (s, data) => s.send(data, { binary: false, compress: options.compress }),
    subscribe: (s, topic) => {
      const set = active.get(topic) ?? new Set<WebSocket>();
      active.set(topic, set);
      set.add(s);
    },
    unsubscribe: (s, topic) => {
      active.get(topic)?.delete(s);
    },
    publish: (topic, data) => {
      let bytes = 0;
      for (const s of active.get(topic) ?? []) {
        s.send(data, { binary: false, compress: options.compress });
        bytes += data.length;
      }
      return bytes;
    },
    broadcast: (data) => {
      for (const s of everyone) s.send(data, { binary: false, compress: options.compress });
      return data.length * everyone.size;
    },
    close: (s, code, reason) => s.close(code, reason),
  };
  const fanout = new Fanout<WebSocket>(transport, {
    board,
    metrics: options.metrics,
    now: Date.now,
    tickHz: options.tickHz,
  });
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/ws/flights',
    maxPayload: WS_MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: options.compress,
  });
  wss.on('connection', (ws, req) => {
    everyone.add(ws);
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const bbox = checkBboxQuery(query.get('bbox') ?? undefined);
    const encoding = checkEncoding(query.get('encoding') ?? undefined);
    fanout.open(ws, bbox.ok ? bbox.value : null, encoding.ok ? encoding.value : 'json');
    ws.on('message', (data, isBinary) => fanout.message(ws, data as Buffer, isBinary));
    ws.on('close', () => {
      everyone.delete(ws);
      for (const set of active.values()) set.delete(ws);
      fanout.close(ws);
    });
    (ws as unknown as { _socket: NodeJS.EventEmitter })._socket.on('drain', () => fanout.drain(ws));
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const timer = setInterval(() => fanout.tick(), Math.round(1000 / options.tickHz));
  const address = wss.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    board,
    fanout,
    close: () => {
      clearInterval(timer);
      wss.close();
    },
  };
}
