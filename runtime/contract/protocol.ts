import type { AnomalyEvent } from './anomaly.ts';
import type { Track } from './track.ts';

/** WebSocket protocol v1 on /ws/flights (contract section 7). */
export const WS_PROTOCOL_VERSION = 1;
/** Client messages larger than this close the socket. */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 4 * 1024;

export type BBox = [w: number, s: number, e: number, n: number];

/**
 * Additive fields (docs/edge.md, "Alert backlog"): `instance` (hello) names this run of the edge;
 * `cursor` (anomaly) numbers the events it recorded, 1, 2, 3... per instance. A client that saw
 * every event up to cursor N asks `GET /anomalies?after=N` for the rest (an AnomalyBacklog).
 */
export type ServerFrame =
  | { type: 'hello'; protocol: 1; tick_hz: number; server_time: number; instance?: string }
  | { type: 'snapshot'; seq: number; ts: number; flights: Track[] }
  | { type: 'delta'; seq: number; ts: number; upserts: Track[]; removes: string[] }
  | { type: 'anomaly'; event: AnomalyEvent; cursor?: number }
  | { type: 'error'; message: string };

export type ClientMessage = { type: 'subscribe'; bbox: BBox | null } | { type: 'resync' };

/** GET /anomalies?after=N: the events recorded after cursor N, oldest first. */
export interface AnomalyBacklog {
  /** The edge instance whose cursors these are (the hello's `instance`). */
  instance: string;
  /** The cursor of the last event in `anomalies` (ask `after=cursor` next); `after` when none. */
  cursor: number;
  /** More events follow (the page was cut at `limit`): ask again from `cursor`. */
  more: boolean;
  /** Events after `after` already left the edge's log (away longer than its retention). */
  truncated: boolean;
  anomalies: AnomalyEvent[];
  /** Every event open on the edge now (its latest record): what is not here is not open. */
  open: AnomalyEvent[];
}
