import type { AnomalyEvent } from '../../runtime/contract/anomaly.ts';
import type { AnomalyBacklog, BBox, ServerFrame } from '../../runtime/contract/protocol.ts';
import type { Track } from '../../runtime/contract/track.ts';
import type { TrailPoint } from './core/profile.ts';
import type { EventDetail, PlaybackInfo } from './investigate/api-types.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/**
 * All network I/O of the UI: the WebSocket to /ws/flights (run by feed-worker.ts) and the HTTP
 * API. Components and slices never fetch; app.ts wires the agent's callbacks into the slices.
 */
export interface AgentHandlers {
  onOpen(): void;
  /**
   * A frame (a delta may be several merged by the feed worker). `receivedAtMs` is performance.now()
   * when its last part arrived; `parseMs` the JSON.parse cost in the worker (off the main thread).
   */
  onFrame(
    frame: ServerFrame & { fromSeq?: number },
    receivedAtMs: number,
    parseMs: number,
    merged: number,
  ): void;
  /** The worker saw a seq gap and asked the edge for a fresh snapshot. */
  onResync(): void;
  onClose(attempt: number, retryInMs: number): void;
}

export interface AirportFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { ident: string; iata?: string | null; name?: string; type?: string };
}

export interface Agent {
  connect(): void;
  subscribe(bbox: BBox | null): void;
  resync(): void;
  flightDetail(icao24: string): Promise<{ flight: Track; trail: TrailPoint[] } | null>;
  anomalies(limit: number): Promise<AnomalyEvent[]>;
  /** GET /anomalies?after=: every event the edge recorded after `after` (docs/edge.md). */
  backlog(after: number, limit: number): Promise<AnomalyBacklog>;
  airports(): Promise<AirportFeature[]>;
  /** GET /anomalies/{id}: the event card's data (null: unknown event). */
  eventDetail(id: string): Promise<EventDetail | null>;
  /** GET /playback: whether the edge can play history, and why not. */
  playbackInfo(): Promise<PlaybackInfo>;
  /** Moves the feed to another WebSocket URL (playback, or back to live). */
  switchTo(wsUrl: string): void;
  /** Sends a message on the feed's socket (playback controls). */
  send(message: object): void;
  close(): void;
}

export function createAgent(base: { httpBase: string; wsUrl: string }, h: AgentHandlers): Agent {
  // The socket lives in a worker (parsing and delta merging off the main thread).
  const worker = new Worker(new URL('./feed-worker.ts', import.meta.url), { type: 'module' });
  const post = (m: ToWorker) => worker.postMessage(m);
  worker.onmessage = (ev: MessageEvent<FromWorker>) => {
    const m = ev.data;
    switch (m.type) {
      case 'open':
        return h.onOpen();
      case 'close':
        checkAuth(); // a refused upgrade shows no status: ask the API whether the cookie still holds
        return h.onClose(m.attempt, m.retryInMs);
      case 'resyncing':
        return h.onResync();
      case 'frame': {
        const at = m.receivedAtWallMs - performance.timeOrigin;
        h.onFrame(m.frame, at, m.parseMs, m.merged);
        // One batch per rendered frame: ask for the next one after this frame is drawn.
        if (m.frame.type === 'delta' || m.frame.type === 'snapshot')
          requestAnimationFrame(() => post({ type: 'ready' }));
        return;
      }
    }
  };
  worker.onerror = (e) => console.error(`skysentinel: feed worker failed: ${e.message}`);

  const getJson = async <T>(path: string): Promise<T | null> => {
    const res = await fetch(`${base.httpBase}${path}`);
    if (res.status === 401) loginAgain();
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };

  let checkedAuthMs = 0;
  const checkAuth = () => {
    if (Date.now() - checkedAuthMs < AUTH_CHECK_EVERY_MS) return;
    checkedAuthMs = Date.now();
    fetch(`${base.httpBase}/playback`).then(
      (res) => {
        if (res.status === 401) loginAgain();
      },
      () => {}, // the edge is down: the worker's reconnects cover it
    );
  };

  return {
    connect: () => post({ type: 'connect', wsUrl: base.wsUrl }),
    subscribe: (bbox) => post({ type: 'subscribe', bbox }),
    resync: () => post({ type: 'resync' }),
    flightDetail: (icao24) =>
      getJson<{ flight: Track; trail: TrailPoint[] }>(`/flights/${encodeURIComponent(icao24)}`),
    anomalies: async (limit) =>
      (await getJson<{ anomalies: AnomalyEvent[] }>(`/anomalies?limit=${limit}`))?.anomalies ?? [],
    backlog: async (after, limit) => {
      const b = await getJson<AnomalyBacklog>(`/anomalies?after=${after}&limit=${limit}`);
      if (b === null) throw new Error('/anomalies?after=: HTTP 404');
      return b;
    },
    airports: async () => (await getJson<{ features: AirportFeature[] }>('/airports'))?.features ?? [],
    eventDetail: (id) => getJson<EventDetail>(`/anomalies/${encodeURIComponent(id)}`),
    playbackInfo: async () =>
      (await getJson<PlaybackInfo>('/playback')) ?? { available: false, reason: 'this edge has no playback' },
    switchTo: (wsUrl) => post({ type: 'connect', wsUrl }),
    send: (message) => post({ type: 'send', message }),
    close: () => worker.terminate(),
  };
}

const AUTH_CHECK_EVERY_MS = 10_000;
const RELOAD_KEY = 'skysentinel-login-reload';

/**
 * With EDGE_TOKEN set the edge answers 401 once the cookie is gone or the token changed: reload,
 * and the edge serves its login page instead of the UI (docs/edge.md "Authentication"). At most
 * once a minute, so a UI served by something else (the dev server) cannot reload in a loop.
 */
function loginAgain(): void {
  const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
  if (Date.now() - last < 60_000) return;
  sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
  window.location.reload();
}

/** Same origin by default (the edge serves the UI; the dev server proxies). */
export function defaultEndpoints(loc: Location): { httpBase: string; wsUrl: string } {
  const wsProto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpBase: '', wsUrl: `${wsProto}//${loc.host}/ws/flights` };
}
