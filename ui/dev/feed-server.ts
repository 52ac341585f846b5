/**
 * A protocol-faithful stand-in for the edge (contract section 7) with synthetic traffic:
 * for UI development before/without the real pipeline and for the browser benchmark.
 * `tsx ui/dev/feed-server.ts --port 18201 --aircraft 1000` then
 * `SKYSENTINEL_EDGE_URL=http://127.0.0.1:18201 npm run dev:ui`.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import type { AnomalyEvent } from '../../runtime/contract/anomaly.ts';
import { AnomalyJournal } from '../../runtime/contract/anomaly-journal.ts';
import type { BBox, ClientMessage, ServerFrame } from '../../runtime/contract/protocol.ts';
import type { Track } from '../../runtime/contract/track.ts';
import { bboxContains } from '../src/core/visible-bbox.ts';
import { SyntheticTraffic } from './synthetic-traffic.ts';

export interface FeedServerOptions {
  port: number;
  host?: string;
  aircraft: number;
  tickHz?: number;
  /** Share of the aircraft that change in each delta (1 = every aircraft every tick). */
  updateFraction?: number;
  /** Seconds between synthetic emergency-squawk anomalies (0 = none). */
  anomalyEveryS?: number;
  /** Serve this directory at / (ui/dist). */
  staticDir?: string;
  /** Test hook: after this many deltas per connection, skip one seq (the client must resync). */
  gapAfterDeltas?: number;
  centre?: { lat: number; lon: number };
  radiusDeg?: number;
}

export interface FeedServer {
  url: string;
  traffic: SyntheticTraffic;
  /** Frames sent and bytes, for the benchmark's log. */
  stats: { frames: number; bytes: number; clients: number };
  close(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const AIRPORTS_FILE = join(here, '../../fixtures/airports.geojson');
const TRAIL_POINTS = 120;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

interface Client {
  ws: WebSocket;
  seq: number;
  deltas: number;
  bbox: BBox | null;
  /** What this client currently holds, so leaving the box becomes a remove. */
  has: Set<string>;
}

export async function startFeedServer(o: FeedServerOptions): Promise<FeedServer> {
  const tickHz = o.tickHz ?? 4;
  const perTick = Math.max(1, Math.round(o.aircraft * (o.updateFraction ?? 0.25)));
  const traffic = new SyntheticTraffic(
    {
      aircraft: o.aircraft,
      centre: o.centre ?? { lat: 40.7, lon: -74 },
      radiusDeg: o.radiusDeg ?? 50,
      seed: 42,
    },
    Date.now(),
  );
  const trails = new Map<string, [number, number, number, number | null][]>();
  // The edge's own journal: the same cursors, backlog and open set as the real edge.
  const anomalies = new AnomalyJournal();
  const instance = randomUUID();
  const clients = new Set<Client>();
  const stats = { frames: 0, bytes: 0, clients: 0 };
  const airportsText = existsSync(AIRPORTS_FILE)
    ? readFileSync(AIRPORTS_FILE, 'utf8')
    : '{"type":"FeatureCollection","features":[]}';

  const send = (c: Client, f: ServerFrame) => {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(f);
    stats.frames++;
    stats.bytes += text.length;
    c.ws.send(text);
  };
  const snapshot = (c: Client) => {
    const flights = traffic.tracks.filter((t) => bboxContains(c.bbox, t.lat, t.lon));
    c.has = new Set(flights.map((t) => t.icao24));
    send(c, { type: 'snapshot', seq: ++c.seq, ts: Date.now(), flights });
  };

  let cursor = 0;
  let sinceAnomaly = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const changed = traffic.advance(cursor, perTick, now);
    cursor = (cursor + perTick) % traffic.tracks.length;
    for (const t of changed) {
      let trail = trails.get(t.icao24);
      if (!trail) {
        trail = [];
        trails.set(t.icao24, trail);
      }
      trail.push([t.ts, t.lat, t.lon, t.alt_m]);
      if (trail.length > TRAIL_POINTS) trail.shift();
    }
    let event: AnomalyEvent | null = null;
    let eventCursor = 0;
    sinceAnomaly += 1 / tickHz;
    if (o.anomalyEveryS && sinceAnomaly >= o.anomalyEveryS) {
      sinceAnomaly = 0;
      event = traffic.emergency(Math.floor(now / 1000), now);
      eventCursor = anomalies.add(event) ?? 0;
    }
    for (const c of clients) {
      const upserts: Track[] = [];
      const removes: string[] = [];
      for (const t of changed) {
        if (bboxContains(c.bbox, t.lat, t.lon)) {
          upserts.push(t);
          c.has.add(t.icao24);
        } else if (c.has.delete(t.icao24)) removes.push(t.icao24);
      }
      c.deltas++;
      if (o.gapAfterDeltas && c.deltas === o.gapAfterDeltas) c.seq++; // the frame that is "lost"
      send(c, { type: 'delta', seq: ++c.seq, ts: now, upserts, removes });
      if (event) send(c, { type: 'anomaly', event, cursor: eventCursor });
    }
  }, 1000 / tickHz);

  const http = createServer((req, res) => route(req, res));
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/flights') {
      const b = url.searchParams.get('bbox');
      const bbox = b ? (b.split(',').map(Number) as BBox) : null;
      const flights = traffic.tracks.filter((t) => bboxContains(bbox, t.lat, t.lon));
      return json(res, 200, { ts: Date.now(), count: flights.length, flights });
    }
    const m = /^\/flights\/([^/]+)$/.exec(p);
    if (m) {
      if (!/^[0-9a-f]{6}$/.test(m[1]!)) return json(res, 400, { error: 'malformed icao24' });
      const flight = traffic.tracks.find((t) => t.icao24 === m[1]);
      if (!flight) return json(res, 404, { error: 'unknown aircraft' });
      return json(res, 200, { flight, trail: trails.get(flight.icao24) ?? [] });
    }
    if (p === '/anomalies') {
      const after = url.searchParams.get('after');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      if (after !== null) return json(res, 200, anomalies.backlog(Number(after), limit, instance));
      return json(res, 200, {
        anomalies: anomalies.query({ sinceMs: undefined, type: undefined, limit }),
      });
    }
    if (p === '/airports') {
      res.writeHead(200, { 'content-type': 'application/geo+json' });
      return res.end(airportsText);
    }
    if (p === '/healthz') return json(res, 200, { ok: true });
    if (p === '/playback')
      return json(res, 200, { available: false, reason: 'the synthetic feed keeps no history' });
    if (o.staticDir) return serveStatic(o.staticDir, p, res);
    json(res, 404, { error: 'not found' });
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/ws/flights')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const c: Client = { ws, seq: 0, deltas: 0, bbox: null, has: new Set() };
      clients.add(c);
      stats.clients = clients.size;
      send(c, { type: 'hello', protocol: 1, tick_hz: tickHz, server_time: Date.now(), instance });
      snapshot(c);
      ws.on('message', (data) => {
        let m: ClientMessage;
        try {
          m = JSON.parse(String(data)) as ClientMessage;
        } catch {
          return send(c, { type: 'error', message: 'not JSON' });
        }
        if (m.type === 'subscribe') {
          c.bbox = m.bbox;
          snapshot(c);
        } else if (m.type === 'resync') snapshot(c);
        else send(c, { type: 'error', message: 'unknown message type' });
      });
      ws.on('close', () => {
        clients.delete(c);
        stats.clients = clients.size;
      });
    });
  });

  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, host, resolve);
  });
  return {
    url: `http://${host}:${o.port}`,
    traffic,
    stats,
    close: async () => {
      clearInterval(timer);
      for (const c of clients) c.ws.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

function serveStatic(dir: string, path: string, res: ServerResponse) {
  const rel = normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, '');
  const file = join(dir, rel);
  if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const s = await startFeedServer({
    port: arg('port', 18201),
    aircraft: arg('aircraft', 1000),
    tickHz: arg('tick-hz', 4),
    updateFraction: arg('update-fraction', 0.25),
    anomalyEveryS: arg('anomaly-every', 10),
    staticDir: fileURLToPath(new URL('../dist', import.meta.url)),
  });
  console.log(`test feed on ${s.url} (ws ${s.url.replace('http', 'ws')}/ws/flights), Ctrl-C to stop`);
}
