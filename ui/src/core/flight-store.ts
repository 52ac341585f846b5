import type { Track } from '../../../runtime/contract/track.ts';

/**
 * Client-side copy of the edge's track board, fed by snapshot and delta frames
 * (contract section 7). Plain data, no I/O: the agent owns the socket and asks
 * for a resync when `applyDelta` reports a gap.
 */
export interface FlightStore {
  readonly flights: Map<string, Track>;
  /** seq of the last applied frame; null until a snapshot arrives (or after a gap). */
  seq: number | null;
  /** Server ts of the last applied frame. */
  ts: number;
}

export interface SnapshotFrame {
  seq: number;
  ts: number;
  flights: Track[];
}
export interface DeltaFrame {
  seq: number;
  /** A merged delta (DeltaCoalescer) covers fromSeq..seq; a single frame has neither or equal. */
  fromSeq?: number;
  ts: number;
  upserts: Track[];
  removes: string[];
}

export type DeltaResult =
  /** Applied: the aircraft that changed or left, so a view can update only those. */
  | { kind: 'applied'; upserts: Track[]; removes: string[] }
  /** seq jumped: the store is stale until the next snapshot; the caller asks for a resync. */
  | { kind: 'gap'; expected: number; got: number }
  /** Nothing to apply: waiting for a snapshot, or a frame older than the last one. */
  | { kind: 'ignored' };

export function createFlightStore(): FlightStore {
  return { flights: new Map(), seq: null, ts: 0 };
}

/** Replaces the whole board. Returns the icao24s that were present before and are gone now. */
export function applySnapshot(store: FlightStore, frame: SnapshotFrame): string[] {
  const before = store.flights;
  const next = new Map<string, Track>();
  for (const t of frame.flights) next.set(t.icao24, t);
  const gone: string[] = [];
  for (const id of before.keys()) if (!next.has(id)) gone.push(id);
  before.clear();
  for (const [id, t] of next) before.set(id, t);
  store.seq = frame.seq;
  store.ts = frame.ts;
  return gone;
}

export function applyDelta(store: FlightStore, frame: DeltaFrame): DeltaResult {
  if (store.seq === null || frame.seq <= store.seq) return { kind: 'ignored' };
  if ((frame.fromSeq ?? frame.seq) !== store.seq + 1) {
    const expected = store.seq + 1;
    // Stale until a snapshot: later deltas would build on missing changes.
    store.seq = null;
    return { kind: 'gap', expected, got: frame.fromSeq ?? frame.seq };
  }
  for (const t of frame.upserts) store.flights.set(t.icao24, t);
  const removed: string[] = [];
  for (const id of frame.removes) if (store.flights.delete(id)) removed.push(id);
  store.seq = frame.seq;
  store.ts = frame.ts;
  return { kind: 'applied', upserts: frame.upserts, removes: removed };
}

/** Marks the store as waiting for a snapshot (after a reconnect or an explicit resync). */
export function invalidate(store: FlightStore): void {
  store.seq = null;
}
