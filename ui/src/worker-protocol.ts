import type { BBox, ServerFrame } from '../../runtime/contract/protocol.ts';

/** Page -> feed worker. */
export type ToWorker =
  /** Connects, or moves to another URL (playback and back to live). */
  | { type: 'connect'; wsUrl: string }
  /** A message for the server as is (playback controls). */
  | { type: 'send'; message: object }
  | { type: 'subscribe'; bbox: BBox | null }
  | { type: 'resync' }
  /** The page applied the last batch and wants the next. */
  | { type: 'ready' };

/** Feed worker -> page. A delta frame may be several merged (fromSeq..seq, `merged` of them). */
export type FromWorker =
  | { type: 'open' }
  | { type: 'close'; attempt: number; retryInMs: number }
  | { type: 'resyncing' }
  | {
      type: 'frame';
      frame: ServerFrame & { fromSeq?: number };
      receivedAtWallMs: number;
      parseMs: number;
      merged: number;
    };
