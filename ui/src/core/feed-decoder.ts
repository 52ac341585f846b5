import { CompactDecodeError, CompactDecoder } from '../../../runtime/contract/compact.ts';
import type { ServerFrame } from '../../../runtime/contract/protocol.ts';
import type { Track } from '../../../runtime/contract/track.ts';
import { DeltaCoalescer } from './delta-coalescer.ts';

/** A frame as it comes off the socket: the contract's, or its compact form (rows for Tracks). */
export type WireFrame =
  | (ServerFrame & { type: 'hello'; encoding?: string })
  | { type: 'snapshot'; seq: number; ts: number; flights: unknown[] }
  | { type: 'delta'; seq: number; ts: number; upserts: unknown[]; removes: string[] }
  | Exclude<ServerFrame, { type: 'hello' | 'snapshot' | 'delta' }>;

export type Handled =
  /** Pass this frame to the page now (snapshots carry full Tracks whatever the encoding). */
  | { kind: 'post'; frame: ServerFrame }
  /** A delta was merged into `merger`; the page takes it when it is ready. */
  | { kind: 'merged' }
  /** Out of step (seq gap, or a compact row the client cannot apply): ask for a resync. */
  | { kind: 'gap' }
  /** Waiting for a snapshot, or an old frame. */
  | { kind: 'ignored' };

/**
 * The feed worker's frame logic, without the socket: seq checks, delta merging and, when the
 * hello says `encoding: "compact"`, decoding compact rows back into the contract's Tracks (so
 * the page sees the same Track objects either way). Reset it on every (re)connect.
 */
export class FeedDecoder {
  readonly merger = new DeltaCoalescer();
  private readonly rows = new CompactDecoder();
  private compact = false;

  reset(): void {
    this.merger.reset();
    this.rows.reset();
    this.compact = false;
  }

  handle(f: WireFrame): Handled {
    if (f.type === 'hello') {
      this.compact = f.encoding === 'compact';
      return { kind: 'post', frame: f };
    }
    if (f.type === 'snapshot') {
      let flights: Track[];
      try {
        flights = this.compact ? this.rows.snapshot(f.ts, f.flights) : (f.flights as Track[]);
      } catch (err) {
        return this.outOfStep(err);
      }
      this.merger.snapshot(f.seq);
      return { kind: 'post', frame: { type: 'snapshot', seq: f.seq, ts: f.ts, flights } };
    }
    if (f.type === 'delta') {
      // Check seq before decoding: compact rows patch exactly the previous frame's state.
      const verdict = this.merger.follows(f.seq);
      if (verdict !== 'ok') return { kind: verdict };
      let upserts: Track[];
      try {
        upserts = this.compact ? this.rows.delta(f.ts, f.upserts, f.removes) : (f.upserts as Track[]);
      } catch (err) {
        return this.outOfStep(err);
      }
      this.merger.push({ seq: f.seq, ts: f.ts, upserts, removes: f.removes });
      return { kind: 'merged' };
    }
    return { kind: 'post', frame: f };
  }

  private outOfStep(err: unknown): Handled {
    if (!(err instanceof CompactDecodeError)) throw err;
    this.merger.reset();
    return { kind: 'gap' };
  }
}
