import type { AnomalyEvent, BBox, TrackBoardPort } from '../runtime/contract/index.ts';
import { WS_MAX_CLIENT_MESSAGE_BYTES } from '../runtime/contract/index.ts';
import { createMetrics, type Metrics } from '../runtime/metrics/metrics.ts';
import { AirportIndex } from './airports.ts';
import {
  AUTH_COOKIE,
  authCookieValue,
  authSetCookie,
  parseCookies,
  safeNextPath,
  secretCheck,
  splitTokenQuery,
} from './auth.ts';
import { bboxContains } from './bbox.ts';
import { TrackBoard } from './board.ts';
import { checkAnomalyId, type EventHistory, EventMemory, loadEventDetail } from './event-detail.ts';
import { type BackpressureLimits, DEFAULT_BACKPRESSURE, Fanout, type Transport } from './fanout.ts';
import { type OpenFilesLimit, readOpenFilesLimit, softLimitNote, webSocketCap } from './fd-limit.ts';
import { helloFrame } from './frames.ts';
import type { Encoding } from './groups.ts';
import { LOGIN_PAGE_CSP, loginPage } from './login-page.ts';
import { originAllowed } from './origins.ts';
import {
  type AnomalyQuery,
  type Checked,
  checkAnomalyQuery,
  checkBboxQuery,
  checkEncoding,
  checkHistoryRange,
  checkIcao24,
  HISTORY_MAX_SPAN_MS,
  MAX_URL_CHARS,
  parseQuery,
} from './params.ts';
import {
  checkPlaybackQuery,
  PLAYBACK_MAX_SPEED,
  PLAYBACK_MIN_SPEED,
  PlaybackSession,
  parsePlaybackMessage,
} from './playback.ts';
import { StaticUi } from './static-ui.ts';
import {
  type HttpRequest,
  type HttpResponse,
  loadUws,
  type us_listen_socket,
  type us_socket_context_t,
  type WebSocket,
} from './uws.ts';

/** PostGIS queries the edge needs (the storage engineer's helpers satisfy this). */
export interface EdgeHistory {
  /** GeoJSON LineString of the aircraft's smoothed positions in [fromMs, toMs], or null. */
  flightTrack(icao24: string, fromMs: number, toMs: number): Promise<object | null>;
  anomalies(q: AnomalyQuery): Promise<AnomalyEvent[]>;
  /** Event cards (GET /anomalies/{id}) and playback (/ws/playback) from flights_history. */
  events?: EventHistory;
}

export interface EdgeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EdgeOptions {
  host?: string; // HTTP_HOST
  port?: number; // HTTP_PORT; 0 picks a free port
  token?: string; // EDGE_TOKEN; '' leaves the edge open
  /**
   * EDGE_ALLOWED_ORIGINS, parsed (edge/origins.ts): the Origins a WebSocket upgrade (and the login
   * form) may come from. [] (default): the page's own, i.e. the request's Host; ['*']: any.
   */
  allowedOrigins?: readonly string[];
  tickHz?: number; // WS_TICK_HZ, 2 to 5
  staleAfterS?: number; // STALE_AFTER_S
  now?: () => number; // injectable clock (tests drive staleness with it)
  /** false: no timer, the caller drives `tick()` (tests). */
  autoTick?: boolean;
  metrics?: Metrics;
  history?: EdgeHistory;
  /** GeoJSON FeatureCollection of airports (AIRPORTS_FILE). */
  airportsFile?: string;
  uiDir?: string;
  /** Readiness checks by name (bus connected, DB reachable...): GET /readyz runs them all. */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
  /** States shown beside the checks in GET /readyz without deciding readiness (e.g. `feed`: live or outage). */
  status?: Record<string, () => unknown>;
  /** permessage-deflate (uWS SHARED_COMPRESSOR). Off by default: uWS compresses per socket. */
  compression?: boolean;
  backpressure?: BackpressureLimits;
  maxGroups?: number;
  /**
   * WS_MAX_CLIENTS: WebSocket clients served at once; the next upgrade gets a 503. With the
   * per-socket backpressure limit this bounds what slow clients can make the server hold.
   */
  maxClients?: number;
  /** The process's open-file limit (default: read from /proc/self/limits); caps maxClients. */
  openFilesLimit?: OpenFilesLimit | null;
  /** Playback sockets served at once (each runs its own queries); the next upgrade gets a 503. */
  maxPlaybackClients?: number;
  log?: EdgeLogger;
}

export interface Edge {
  readonly port: number;
  readonly url: string;
  /** The track board: the actors (or the flights.tracks consumer) write here. */
  readonly board: TrackBoardPort & TrackBoard;
  readonly metrics: Metrics;
  readonly fanout: Fanout<WebSocket<SocketData>>;
  /** Broadcasts an anomaly frame, keeps it for GET /anomalies, marks the aircraft while open. */
  publishAnomaly(event: AnomalyEvent): void;
  tick(): void;
  close(): Promise<void>;
}

interface SocketData {
  id: number;
  /** Optional ?bbox= on the WS URL: the first snapshot is already that box (no world snapshot). */
  bbox: BBox | null;
  /** ?encoding=compact: compact rows instead of Track objects (docs/edge.md). */
  encoding: Encoding;
}

interface PlaybackData {
  session: PlaybackSession | null;
  encoding: Encoding;
  make: (send: (text: string) => void) => PlaybackSession;
}

const ANOMALY_TOPIC = 'anomalies';
const READY_TIMEOUT_MS = 2000;
const STATUS: Record<number, string> = {
  200: '200 OK',
  303: '303 See Other',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Content Too Large',
  414: '414 URI Too Long',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

/** The 401 of API routes and WebSocket upgrades (a browser gets the login page instead). */
export const UNAUTHORIZED =
  'missing or wrong token: send Authorization: Bearer <EDGE_TOKEN> (or ?token=), or log in on the page';
/** A login form body is one token and a path. */
const LOGIN_BODY_MAX_BYTES = 4096;

const silentLog: EdgeLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Starts the edge (HTTP routes, /ws/flights, the UI) and resolves once it listens. */
export async function startEdge(options: EdgeOptions = {}): Promise<Edge> {
  const uWS = loadUws();
  const now = options.now ?? Date.now;
  const tickHz = options.tickHz ?? 4;
  if (!Number.isInteger(tickHz) || tickHz < 2 || tickHz > 5)
    throw new Error('tickHz must be an integer from 2 to 5');
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? '';
  const log = options.log ?? silentLog;
  // WebSockets never take the descriptors /healthz and the rest need (fd-limit.ts).
  const openFiles = options.openFilesLimit ?? readOpenFilesLimit();
  const cap = webSocketCap(options.maxClients ?? 10_000, openFiles);
  if (cap.warning) log.warn({ maxClients: cap.maxClients }, cap.warning);
  const softNote = softLimitNote(openFiles);
  if (softNote) log.info({ openFiles }, softNote);
  const maxClients = cap.maxClients;
  if (token === '' && !isLoopbackHost(host)) {
    log.warn(
      { host },
      `EDGE IS OPEN: listening on ${host} (not loopback) with EDGE_TOKEN empty: anyone who can reach this address can read every flight and anomaly. Set EDGE_TOKEN, or bind HTTP_HOST=127.0.0.1.`,
    );
  }
  const metrics = options.metrics ?? createMetrics({ processMetrics: true });
  const staleMs = (options.staleAfterS ?? 60) * 1000;
  const board = new TrackBoard({ now, staleAfterS: options.staleAfterS ?? 60 });
  const ui = new StaticUi(options.uiDir ?? 'ui/dist');
  const airportsFile = options.airportsFile ?? 'fixtures/airports.geojson';
  let airports: Promise<AirportIndex> | null = null;
  const limits = options.backpressure ?? DEFAULT_BACKPRESSURE;
  const compress = options.compression === true;
  const app = uWS.App();

  type Socket = WebSocket<SocketData>;
  const transport: Transport<Socket> = {
    buffered: (s) => s.getBufferedAmount(),
    send: (s, data) => {
      s.send(data, false, compress);
    },
    subscribe: (s, topic) => {
      s.subscribe(topic);
    },
    unsubscribe: (s, topic) => {
      s.unsubscribe(topic);
    },
    publish: (topic, data) => {
      const n = app.numSubscribers(topic);
      app.publish(topic, data, false, compress);
      return data.length * n;
    },
    broadcast: (data) => {
      const n = app.numSubscribers(ANOMALY_TOPIC);
      app.publish(ANOMALY_TOPIC, data, false, compress);
      return data.length * n;
    },
    close: (s, code, reason) => s.end(code, reason),
  };
  const fanout = new Fanout<Socket>(transport, {
    board,
    metrics,
    now,
    tickHz,
    limits,
    maxGroups: options.maxGroups,
  });

  const tokenOk = secretCheck(token);
  const cookieOk = secretCheck(authCookieValue(token));
  const allowedOrigins = options.allowedOrigins ?? [];
  /**
   * EDGE_TOKEN (docs/edge.md "Authentication"): the `Authorization: Bearer` header, ?token=, or the
   * cookie the login gave the browser. Per request or upgrade only, never per frame.
   */
  const authorized = (req: HttpRequest, query: Record<string, string>): boolean => {
    if (token === '') return true;
    const header = req.getHeader('authorization');
    if (header.toLowerCase().startsWith('bearer ') && tokenOk(header.slice(7).trim())) return true;
    if (query.token !== undefined && tokenOk(query.token)) return true;
    const cookie = req.getHeader('cookie');
    if (cookie === '') return false;
    const value = parseCookies(cookie).get(AUTH_COOKIE);
    return value !== undefined && cookieOk(value);
  };
  /** A browser's page from another origin: refused before the token says anything (403). */
  const originOk = (res: HttpResponse, req: HttpRequest): boolean => {
    const origin = req.getHeader('origin');
    if (originAllowed(origin, req.getHeader('host'), allowedOrigins)) return true;
    metrics.edgeRefused.inc({ reason: 'origin' });
    fail(res, 403, `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed (EDGE_ALLOWED_ORIGINS)`);
    return false;
  };
  const unauthorized = (res: HttpResponse) => {
    metrics.edgeRefused.inc({ reason: 'token' });
    fail(res, 401, UNAUTHORIZED);
  };

  const reply = (
    res: HttpResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    extra?: Record<string, string>,
  ) => {
    if (res.aborted) return;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.answered = true;
    res.cork(() => {
      res.writeStatus(STATUS[status] ?? `${status} Status`).writeHeader('content-type', contentType);
      res.writeHeader('x-content-type-options', 'nosniff');
      for (const [k, v] of Object.entries(extra ?? {})) res.writeHeader(k, v);
      if (res.head === true) {
        // HEAD: the GET's headers and length, no body. (endWithoutBody(length) of this uWS build
        // does not end the response, which terminates the process.)
        res.writeHeader('content-length', String(bytes.length));
        res.endWithoutBody();
        return;
      }
      // tryEnd, not end: end() copies what the socket cannot take into uWS's buffer and goes on to
      // the next pipelined request, so a client that sends 10,000 and reads none made the edge hold
      // every answer (~400 MB). With tryEnd the rest waits here, in this one body, until the socket
      // drains; uWS closes a connection whose next request arrives while an answer is pending.
      const base = res.getWriteOffset();
      const [, done] = res.tryEnd(bytes, bytes.length);
      if (done) return;
      res.onAborted(() => {
        res.aborted = true;
      });
      res.onWritable((offset) => {
        if (res.aborted) return true;
        const [ok] = res.tryEnd(bytes.subarray(offset - base), bytes.length);
        return ok;
      });
    });
  };
  const json = (res: HttpResponse, status: number, body: string) =>
    reply(res, status, 'application/json', body, { 'cache-control': 'no-store' });
  const fail = (res: HttpResponse, status: number, error: string) =>
    json(res, status, JSON.stringify({ error }));

  /** Common front of every API route: URL length, query names, token. Returns the query or null (answered). */
  const front = (
    res: HttpResponse,
    req: HttpRequest,
    allowed: readonly string[],
  ): Record<string, string> | null => {
    const rawQuery = req.getQuery() ?? ''; // undefined when the URL has no '?'
    if (req.getUrl().length + rawQuery.length > MAX_URL_CHARS) {
      fail(res, 414, `URL longer than ${MAX_URL_CHARS} characters`);
      return null;
    }
    const q = parseQuery(rawQuery, allowed);
    if (!q.ok) {
      // Unknown parameters are a 400, but never before the token check says who may know that.
      if (!authorized(req, {})) unauthorized(res);
      else fail(res, 400, q.error);
      return null;
    }
    if (!authorized(req, q.value)) {
      unauthorized(res);
      return null;
    }
    return q.value;
  };
  const check = <T>(res: HttpResponse, c: Checked<T>): c is { ok: true; value: T } => {
    if (!c.ok) fail(res, 400, c.error);
    return c.ok;
  };
  /** For answers that await: uWS requires onAborted before the handler returns. */
  const later = (res: HttpResponse, work: () => Promise<void>) => {
    res.onAborted(() => {
      res.aborted = true;
    });
    work().catch((err: unknown) => {
      log.error({ err }, 'edge request failed');
      fail(res, 500, 'internal error');
    });
  };

  const flightsJson = (bbox: BBox | null): string => {
    const parts: string[] = [];
    for (const t of board.tracks()) {
      if (bbox === null || bboxContains(bbox, t.lon, t.lat)) parts.push(board.json(t.icao24) as string);
    }
    return `{"ts":${now()},"count":${parts.length},"flights":[${parts.join(',')}]}`;
  };

  /**
   * A throw inside a uWS handler takes the whole process down (the native side terminates), so
   * every handler answers 500 instead. Handlers that continue asynchronously use `later`.
   */
  type Handler = (res: HttpResponse, req: HttpRequest) => void;
  const guard =
    (handler: Handler): Handler =>
    (res, req) => {
      try {
        if (conflictingContentLength(req)) {
          // Two different lengths: which one a proxy in front believed is unknown (request
          // smuggling). The connection is closed at once, without a status: this uWS build still
          // parses and answers a request pipelined after a `Connection: close` answer.
          res.close();
          return;
        }
        handler(res, req);
      } catch (err) {
        log.error({ err }, 'edge handler failed');
        if (!res.answered) fail(res, 500, 'internal error');
      }
    };
  /** A GET route, and HEAD on it: the same answer's status and headers, without the body. */
  const route = (pattern: string, handler: Handler) => {
    app.get(pattern, guard(handler));
    app.head(
      pattern,
      guard((res, req) => {
        res.head = true;
        handler(res, req);
      }),
    );
  };

  route('/healthz', (res) => json(res, 200, '{"status":"ok"}'));

  route('/readyz', (res, req) => {
    if (front(res, req, []) === null) return;
    later(res, async () => {
      const checks: Record<string, boolean> = {};
      await Promise.all(
        Object.entries(options.readiness ?? {}).map(async ([name, fn]) => {
          checks[name] = await withTimeout(Promise.resolve().then(fn), READY_TIMEOUT_MS).catch(() => false);
        }),
      );
      const ready = Object.values(checks).every(Boolean);
      const states: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(options.status ?? {})) states[name] = fn();
      json(res, ready ? 200 : 503, JSON.stringify({ ready, checks, ...states }));
    });
  });

  route('/metrics', (res, req) => {
    if (front(res, req, []) === null) return;
    later(res, async () => {
      const text = await metrics.registry.metrics();
      reply(res, 200, metrics.registry.contentType, text, { 'cache-control': 'no-store' });
    });
  });

  route('/flights', (res, req) => {
    const q = front(res, req, ['bbox']);
    if (q === null) return;
    const bbox = checkBboxQuery(q.bbox);
    if (check(res, bbox)) json(res, 200, flightsJson(bbox.value));
  });

  route('/flights/:icao24', (res, req) => {
    const q = front(res, req, []);
    if (q === null) return;
    const id = checkIcao24(req.getParameter(0) ?? '');
    if (!check(res, id)) return;
    const flight = board.json(id.value);
    if (flight === undefined) return fail(res, 404, `no aircraft ${id.value} on the board`);
    json(res, 200, `{"flight":${flight},"trail":${JSON.stringify(board.trail(id.value) ?? [])}}`);
  });

  route('/anomalies', (res, req) => {
    const q = front(res, req, ['since', 'type', 'limit', 'after']);
    if (q === null) return;
    const aq = checkAnomalyQuery(q);
    if (!check(res, aq)) return;
    // The backlog by cursor always comes from this edge's log (cursors are per instance).
    const after = aq.value.afterCursor;
    if (after !== undefined)
      return json(res, 200, JSON.stringify(fanout.anomalies.backlog(after, aq.value.limit, fanout.instance)));
    const history = options.history;
    if (history === undefined)
      return json(res, 200, JSON.stringify({ anomalies: fanout.anomalies.query(aq.value) }));
    later(res, async () => {
      try {
        json(res, 200, JSON.stringify({ anomalies: await history.anomalies(aq.value) }));
      } catch (err) {
        log.warn({ err }, 'anomalies query failed');
        fail(res, 503, 'database unavailable');
      }
    });
  });

  const memory = new EventMemory();
  route('/anomalies/:id', (res, req) => {
    const q = front(res, req, []);
    if (q === null) return;
    const id = checkAnomalyId(req.getParameter(0) ?? '');
    if (!check(res, id)) return;
    later(res, async () => {
      let detail: Awaited<ReturnType<typeof loadEventDetail>>;
      try {
        detail = await loadEventDetail(id.value, {
          history: options.history?.events,
          logged: (i) => fanout.anomalies.byId(i),
          memory,
          board,
          nowMs: now(),
        });
      } catch (err) {
        log.warn({ err }, 'event query failed');
        return fail(res, 503, 'database unavailable');
      }
      if (detail === null) fail(res, 404, `no anomaly ${id.value}`);
      else json(res, 200, JSON.stringify(detail));
    });
  });

  const maxPlayback = options.maxPlaybackClients ?? 50;
  const playbackUnavailable = (): string | null =>
    options.history?.events === undefined ? 'playback needs a database (DATABASE_URL is not set)' : null;
  route('/playback', (res, req) => {
    if (front(res, req, []) === null) return;
    const why = playbackUnavailable();
    json(
      res,
      200,
      JSON.stringify(
        why === null
          ? {
              available: true,
              tick_hz: tickHz,
              min_speed: PLAYBACK_MIN_SPEED,
              max_speed: PLAYBACK_MAX_SPEED,
              max_span_ms: HISTORY_MAX_SPAN_MS,
              stale_after_ms: staleMs,
            }
          : { available: false, reason: why },
      ),
    );
  });

  route('/history/:icao24', (res, req) => {
    const q = front(res, req, ['from', 'to']);
    if (q === null) return;
    const id = checkIcao24(req.getParameter(0) ?? '');
    if (!check(res, id)) return;
    const range = checkHistoryRange(q, now());
    if (!check(res, range)) return;
    const history = options.history;
    if (history === undefined) return fail(res, 503, 'history needs a database (DATABASE_URL is not set)');
    later(res, async () => {
      let line: object | null;
      try {
        line = await history.flightTrack(id.value, range.value.fromMs, range.value.toMs);
      } catch (err) {
        log.warn({ err }, 'history query failed');
        return fail(res, 503, 'database unavailable');
      }
      if (line === null) fail(res, 404, `no history for ${id.value} in that range`);
      else reply(res, 200, 'application/geo+json', JSON.stringify(line), { 'cache-control': 'no-store' });
    });
  });

  route('/airports', (res, req) => {
    const q = front(res, req, ['bbox']);
    if (q === null) return;
    const bbox = checkBboxQuery(q.bbox);
    if (!check(res, bbox)) return;
    later(res, async () => {
      airports ??= AirportIndex.load(airportsFile);
      let index: AirportIndex;
      try {
        index = await airports;
      } catch (err) {
        airports = null; // try again next time (the file may be generated meanwhile)
        log.warn({ err, airportsFile }, 'airports not loaded');
        return fail(res, 503, `airports not loaded from ${airportsFile}`);
      }
      reply(res, 200, 'application/geo+json', index.collection(bbox.value), {
        'cache-control': 'max-age=3600',
      });
    });
  });

  const wsOptions = {
    maxPayloadLength: WS_MAX_CLIENT_MESSAGE_BYTES,
    // Our own limit (limits.softBytes) stops sending to a slow socket well before this;
    // this is the hard cap for what still reaches it (anomaly frames, a snapshot).
    maxBackpressure: limits.softBytes * 8,
    idleTimeout: 120,
    sendPingsAutomatically: true,
  };
  /**
   * What every WebSocket upgrade checks: the origin, the token and the query's names, `bbox` and
   * `encoding`, then whether there is room (`full` names why not); null when it has answered.
   */
  const wsFront = (res: HttpResponse, req: HttpRequest, names: string[], full: () => string | null) => {
    if (!originOk(res, req)) return null;
    const q = front(res, req, ['bbox', 'encoding', ...names]);
    if (q === null) return null;
    const why = full();
    if (why !== null) {
      fail(res, 503, why);
      return null;
    }
    const bbox = checkBboxQuery(q.bbox);
    if (!check(res, bbox)) return null;
    const encoding = checkEncoding(q.encoding);
    if (!check(res, encoding)) return null;
    return { q, bbox: bbox.value, encoding: encoding.value };
  };
  const upgrade = <T>(res: HttpResponse, req: HttpRequest, context: us_socket_context_t, data: T) =>
    res.upgrade<T>(
      data,
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );

  let nextSocketId = 0;
  app.ws<SocketData>('/ws/flights', {
    ...wsOptions,
    compression: compress ? uWS.SHARED_COMPRESSOR : uWS.DISABLED,
    upgrade: (res, req, context) =>
      guard(() => {
        const w = wsFront(res, req, [], () =>
          fanout.clientCount >= maxClients ? `the edge serves at most ${maxClients} WebSocket clients` : null,
        );
        if (w === null) return;
        upgrade<SocketData>(res, req, context, { id: nextSocketId++, bbox: w.bbox, encoding: w.encoding });
      })(res, req),
    open: (ws) => {
      ws.subscribe(ANOMALY_TOPIC);
      const data = ws.getUserData();
      fanout.open(ws, data.bbox, data.encoding);
    },
    message: (ws, message, isBinary) => fanout.message(ws, message, isBinary),
    drain: (ws) => fanout.drain(ws),
    close: (ws) => fanout.close(ws),
  });

  const playbackSockets = new Set<WebSocket<PlaybackData>>();
  app.ws<PlaybackData>('/ws/playback', {
    ...wsOptions,
    upgrade: (res, req, context) =>
      guard(() => {
        const events = options.history?.events;
        const w = wsFront(res, req, ['from', 'to', 'at', 'speed', 'paused'], () =>
          events === undefined
            ? playbackUnavailable()
            : playbackSockets.size >= maxPlayback
              ? `the edge serves at most ${maxPlayback} playback clients`
              : null,
        );
        if (w === null || events === undefined) return;
        const { q, bbox, encoding } = w;
        const pq = checkPlaybackQuery(q, now(), HISTORY_MAX_SPAN_MS);
        if (!check(res, pq)) return;
        const make = (send: (text: string) => void) =>
          new PlaybackSession(
            events.playback,
            {
              ...pq.value,
              bbox,
              encoding,
              staleMs,
              // 5 s holds a fix of every aircraft reporting at the usual 1-5 s.
              maxSliceMs: 5_000,
              tickMs: 1000 / tickHz,
              // One query per second of wall time, read a second ahead.
              readAheadFrames: tickHz,
            },
            send,
            Date.now,
            undefined,
            // Each frame is sent when its playback time is due, not at the next edge tick.
            (run, delayMs) => setTimeout(run, delayMs),
          );
        upgrade<PlaybackData>(res, req, context, { session: null, make, encoding });
      })(res, req),
    open: (ws) => {
      const data = ws.getUserData();
      const send = (text: string) => {
        if (!playbackSockets.has(ws)) return;
        // A client that does not read skips frames (the next snapshot or delta re-bases it).
        if (ws.getBufferedAmount() > limits.softBytes) return;
        const bytes = Buffer.from(text);
        ws.send(bytes, false, false);
        metrics.wsBytesSent.inc(bytes.length);
      };
      playbackSockets.add(ws);
      data.session = data.make(send);
      send(`${helloFrame(tickHz, now(), data.encoding).slice(0, -1)},"mode":"playback"}`);
      data.session.start().catch((err: unknown) => {
        log.warn({ err }, 'playback snapshot failed');
        send(JSON.stringify({ type: 'error', message: 'playback query failed (database unavailable?)' }));
      });
    },
    message: (ws, message) => {
      const session = ws.getUserData().session;
      if (session === null) return;
      const m = parsePlaybackMessage(Buffer.from(message).toString('utf8'));
      if (typeof m === 'string') {
        ws.send(JSON.stringify({ type: 'error', message: m }), false, false);
        return;
      }
      const done = session.control(m);
      if (done === null) ws.end(1008, 'too many playback messages waiting');
      else
        done.catch((err: unknown) => {
          log.warn({ err }, 'playback query failed');
          if (playbackSockets.has(ws))
            ws.send(JSON.stringify({ type: 'error', message: 'playback query failed' }), false, false);
        });
    },
    close: (ws) => {
      playbackSockets.delete(ws);
      ws.getUserData().session?.close();
    },
  });
  /** The login page (401) in place of the UI; `next` is where the login sends the browser back. */
  const login = (res: HttpResponse, next: string, wrong: boolean) => {
    metrics.edgeRefused.inc({ reason: 'token' });
    reply(res, 401, 'text/html; charset=utf-8', loginPage({ next: safeNextPath(next), wrong }), {
      'cache-control': 'no-store',
      'content-security-policy': LOGIN_PAGE_CSP,
      // Not no-referrer: with it Chromium sends `Origin: null` on the form's POST (Fetch spec),
      // which the origin check refuses. same-origin still keeps the URL from other sites.
      'referrer-policy': 'same-origin',
    });
  };
  /** 303 to `location` with the auth cookie (Secure when a TLS proxy says the browser used https). */
  const grant = (res: HttpResponse, location: string, forwardedProto: string) =>
    reply(res, 303, 'text/plain; charset=utf-8', '', {
      location,
      ...(token === ''
        ? {}
        : {
            'set-cookie': authSetCookie(authCookieValue(token), {
              secure: forwardedProto.toLowerCase() === 'https',
            }),
          }),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });

  route('/*', (res, req) => {
    const rawQuery = req.getQuery() ?? '';
    // The query counts too, as in front(): a 64 KB query on a UI path is a 414, not the UI.
    if (req.getUrl().length + rawQuery.length > MAX_URL_CHARS)
      return fail(res, 414, `URL longer than ${MAX_URL_CHARS} characters`);
    const path = req.getUrl();
    if (token !== '') {
      // `/?token=` once: the cookie, and the same URL without the token (out of the address bar
      // and the history). A wrong one: the login page says so.
      const split = splitTokenQuery(rawQuery);
      // GET /login (the wrong-token page, reloaded or bookmarked) sends the browser to the globe.
      const clean = path === '/login' ? '/' : split.rest === '' ? path : `${path}?${split.rest}`;
      if (split.token !== null) {
        if (tokenOk(split.token)) return grant(res, clean, req.getHeader('x-forwarded-proto'));
        return login(res, clean, true);
      }
      if (!authorized(req, {})) return login(res, clean, false);
    }
    later(res, async () => {
      const file = await ui.serve(path);
      reply(res, file.status, file.contentType, file.body, { 'cache-control': file.cacheControl });
    });
  });
  // The login form: token and next in a urlencoded body; the cookie and a redirect, or the page again.
  app.post(
    '/login',
    guard((res, req) => {
      if (!originOk(res, req)) return;
      const forwardedProto = req.getHeader('x-forwarded-proto');
      res.onAborted(() => {
        res.aborted = true;
      });
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.onData((chunk, isLast) => {
        if (res.answered) return;
        try {
          bytes += chunk.byteLength;
          if (bytes > LOGIN_BODY_MAX_BYTES)
            return fail(res, 413, `a login body is at most ${LOGIN_BODY_MAX_BYTES} bytes`);
          chunks.push(Buffer.from(chunk.slice(0)));
          if (!isLast) return;
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          const next = safeNextPath(form.get('next') ?? '/');
          if (token === '' || tokenOk(form.get('token') ?? '')) grant(res, next, forwardedProto);
          else login(res, next, true);
        } catch (err) {
          log.error({ err }, 'login failed');
          if (!res.answered) fail(res, 500, 'internal error');
        }
      });
    }),
  );
  app.any(
    '/*',
    guard((res) => fail(res, 405, 'only GET is supported')),
  );

  const listenSocket = await new Promise<us_listen_socket>((resolveListen, reject) => {
    app.listen(host, options.port ?? 8000, (s) => {
      if (s) resolveListen(s);
      else
        reject(
          new Error(
            `edge could not listen on ${host}:${options.port ?? 8000} (port in use or address not local)`,
          ),
        );
    });
  });
  const port = uWS.us_socket_local_port(listenSocket as never);

  const tick = () => {
    try {
      fanout.tick();
      if (memory.size > 0) memory.observe((id) => board.get(id), now());
    } catch (err) {
      log.error({ err }, 'edge tick failed');
    }
    for (const ws of playbackSockets) {
      ws.getUserData()
        .session?.tick()
        .catch((err: unknown) => log.warn({ err }, 'playback frame failed'));
    }
  };
  const timer = options.autoTick === false ? null : setInterval(tick, Math.round(1000 / tickHz));
  log.info(
    {
      host,
      port,
      tickHz,
      auth: token !== '',
      allowedOrigins: allowedOrigins.length === 0 ? 'same host' : allowedOrigins,
    },
    'edge listening',
  );

  return {
    port,
    url: `http://${host}:${port}`,
    board,
    metrics,
    fanout,
    publishAnomaly: (event) => {
      fanout.publishAnomaly(event);
      // Without a database the event card's trail comes from memory: keep this aircraft's.
      if (options.history?.events === undefined)
        memory.remember(event, board.trail(event.icao24), board.get(event.icao24), now());
    },
    tick,
    close: async () => {
      if (timer !== null) clearInterval(timer);
      for (const ws of playbackSockets) ws.getUserData().session?.close();
      for (const ws of [...playbackSockets]) ws.end(1001, 'edge closing');
      fanout.closeAll();
      uWS.us_listen_socket_close(listenSocket);
      (app as unknown as { close?: () => void }).close?.();
    },
  };
}

/** 127.0.0.0/8, ::1 and localhost: an address only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** More than one Content-Length header with different values (uWS keeps the first). */
function conflictingContentLength(req: HttpRequest): boolean {
  if (req.getHeader('content-length') === '') return false; // the usual GET: no forEach
  let first: string | null = null;
  let conflict = false;
  req.forEach((key, value) => {
    if (key !== 'content-length') return;
    if (first === null) first = value;
    else if (value !== first) conflict = true;
  });
  return conflict;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolveP, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolveP(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
