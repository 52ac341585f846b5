import type { AnomalyEvent } from '../../runtime/contract/anomaly.ts';
import type { BBox, ClientMessage, ServerFrame } from '../../runtime/contract/protocol.ts';
import type { Track } from '../../runtime/contract/track.ts';
import { backoffDelayMs } from './core/backoff.ts';
import type { TrailPoint } from './core/profile.ts';

/**
 * All network I/O of the UI: the WebSocket to /ws/flights and the HTTP API. Components and
 * slices never fetch; app.ts wires the agent's callbacks into the slices.
 */
export interface AgentHandlers {
  onOpen(): void;
  /** `receivedAtMs` is performance.now() when the frame arrived; `parseMs` the JSON.parse cost. */
  onFrame(frame: ServerFrame, receivedAtMs: number, parseMs: number): void;
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
  airports(): Promise<AirportFeature[]>;
  close(): void;
}

export function createAgent(base: { httpBase: string; wsUrl: string }, h: AgentHandlers): Agent {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Re-sent after every reconnect so the server's view of this client survives a restart.
  let bbox: BBox | null = null;

  const send = (m: ClientMessage) => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  };

  const open = () => {
    timer = null;
    const sock = new WebSocket(base.wsUrl);
    ws = sock;
    sock.onopen = () => {
      attempt = 0;
      h.onOpen();
      if (bbox !== null) send({ type: 'subscribe', bbox });
    };
    sock.onmessage = (ev) => {
      const t0 = performance.now();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data as string) as ServerFrame;
      } catch {
        console.warn('skysentinel: dropped a frame that is not JSON');
        return;
      }
      h.onFrame(frame, t0, performance.now() - t0);
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      if (closed) return;
      const delay = backoffDelayMs(attempt, Math.random());
      h.onClose(attempt, delay);
      attempt++;
      timer = setTimeout(open, delay);
    };
    // An error is always followed by close, where the retry happens.
    sock.onerror = () => {};
  };

  const getJson = async <T>(path: string): Promise<T | null> => {
    const res = await fetch(`${base.httpBase}${path}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };

  return {
    connect: () => {
      closed = false;
      if (!ws && !timer) open();
    },
    subscribe: (b) => {
      bbox = b;
      send({ type: 'subscribe', bbox: b });
    },
    resync: () => send({ type: 'resync' }),
    flightDetail: (icao24) =>
      getJson<{ flight: Track; trail: TrailPoint[] }>(`/flights/${encodeURIComponent(icao24)}`),
    anomalies: async (limit) =>
      (await getJson<{ anomalies: AnomalyEvent[] }>(`/anomalies?limit=${limit}`))?.anomalies ?? [],
    airports: async () => (await getJson<{ features: AirportFeature[] }>('/airports'))?.features ?? [],
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      ws?.close();
      ws = null;
    },
  };
}

/** Same origin by default (the edge serves the UI; the dev server proxies). */
export function defaultEndpoints(loc: Location): { httpBase: string; wsUrl: string } {
  const wsProto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return { httpBase: '', wsUrl: `${wsProto}//${loc.host}/ws/flights` };
}
