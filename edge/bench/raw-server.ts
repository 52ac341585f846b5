import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { TrackBoard } from '../board.ts';
import { SubscriptionGroups } from '../groups.ts';
import { checkBboxQuery } from '../params.ts';
import { loadUws } from '../uws.ts';

/**
 * The benchmark's calibration: the same board, groups and compact frames as the edge, published
 * with nothing else around them (no hello or snapshot, no per-socket checks, no metrics): `uws`
 * calls app.publish per frame, `ws` loops send over the group with one shared Buffer. What the
 * edge's fan-out costs above this is what the edge adds per client or per frame.
 */
export async function startRawServer(kind: 'uws' | 'ws', tickHz: number) {
  const board = new TrackBoard({ now: Date.now, staleAfterS: 60 });
  const groups = new SubscriptionGroups<object>(board);
  const bboxOf = (url: string) => {
    const b = checkBboxQuery(new URL(url, 'http://x').searchParams.get('bbox') ?? undefined);
    return b.ok ? b.value : null;
  };
  let port = 0;
  let publish: (topic: string, data: Buffer) => void;
  if (kind === 'uws') {
    const uWS = loadUws();
    const app = uWS.App();
    app.ws<{ url: string }>('/ws/flights', {
      compression: uWS.DISABLED,
      maxBackpressure: 4 * 1024 * 1024,
      upgrade: (res, req, context) =>
        res.upgrade(
          { url: `${req.getUrl()}?${req.getQuery() ?? ''}` },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        ),
      open: (ws) => {
        ws.subscribe(groups.join(ws, bboxOf(ws.getUserData().url), 'compact').compactTopic);
      },
      close: (ws) => groups.leave(ws),
    });
    port = await new Promise<number>((resolve, reject) =>
      app.listen('127.0.0.1', 0, (s) =>
        s ? resolve(uWS.us_socket_local_port(s)) : reject(new Error('listen')),
      ),
    );
    publish = (topic, data) => app.publish(topic, data, false, false);
  } else {
    const topics = new Map<string, Set<WsSocket>>();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/flights' });
    wss.on('connection', (ws, req) => {
      const topic = groups.join(ws, bboxOf(req.url ?? '/'), 'compact').compactTopic;
      const set = topics.get(topic) ?? new Set<WsSocket>();
      topics.set(topic, set);
      set.add(ws);
      ws.on('close', () => {
        set.delete(ws);
        groups.leave(ws);
      });
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    const address = wss.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    publish = (topic, data) => {
      for (const s of topics.get(topic) ?? []) s.send(data, { binary: false, compress: false });
    };
  }
  setInterval(
    () => {
      const nowMs = Date.now();
      board.expire();
      for (const f of groups.tick(board.takeChanges(), nowMs))
        if (f.compact !== null) publish(f.group.compactTopic, Buffer.from(f.compact));
    },
    Math.round(1000 / tickHz),
  );
  return { port, board, fanout: { groups } };
}
