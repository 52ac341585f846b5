import type { AnomalyEvent } from './anomaly.ts';
import type { Track } from './track.ts';

/** WebSocket protocol v1 on /ws/flights (contract section 7). */
export const WS_PROTOCOL_VERSION = 1;
/** Client messages larger than this close the socket. */
export const WS_MAX_CLIENT_MESSAGE_BYTES = 4 * 1024;

export type BBox = [w: number, s: number, e: number, n: number];

export type ServerFrame =
  | { type: 'hello'; protocol: 1; tick_hz: number; server_time: number }
  | { type: 'snapshot'; seq: number; ts: number; flights: Track[] }
  | { type: 'delta'; seq: number; ts: number; upserts: Track[]; removes: string[] }
  | { type: 'anomaly'; event: AnomalyEvent }
  | { type: 'error'; message: string };

export type ClientMessage = { type: 'subscribe'; bbox: BBox | null } | { type: 'resync' };
