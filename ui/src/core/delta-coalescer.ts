import type { Track } from '../../../runtime/contract/track.ts';
import type { DeltaFrame } from './flight-store.ts';

/**
 * Merges consecutive deltas into one, so a page that renders slower than the tick rate applies
 * one batch per frame instead of queueing frames without bound. Checks seq continuity: a frame
 * that does not follow the last one is a gap (the caller asks for a resync and resets).
 */
export class DeltaCoalescer {
  private readonly upserts = new Map<string, Track>();
  private readonly removes = new Set<string>();
  private fromSeq: number | null = null;
  /** seq of the last frame taken in (snapshot or delta); null = waiting for a snapshot. */
  seq: number | null = null;
  private ts = 0;

  /** A snapshot restarts the sequence and drops anything pending (the snapshot supersedes it). */
  snapshot(seq: number): void {
    this.reset();
    this.seq = seq;
  }

  /** Whether a delta with this seq is the next one; a gap resets (wait for a snapshot). */
  follows(seq: number): 'ok' | 'gap' | 'ignored' {
    if (this.seq === null || seq <= this.seq) return 'ignored';
    if (seq !== this.seq + 1) {
      this.reset();
      return 'gap';
    }
    return 'ok';
  }

  /** 'gap' when the frame does not follow; 'ignored' while waiting for a snapshot or for an old frame. */
  push(d: DeltaFrame): 'ok' | 'gap' | 'ignored' {
    const verdict = this.follows(d.seq);
    if (verdict !== 'ok') return verdict;
    this.fromSeq ??= d.seq;
    this.seq = d.seq;
    this.ts = d.ts;
    for (const t of d.upserts) {
      this.removes.delete(t.icao24);
      this.upserts.set(t.icao24, t);
    }
    for (const id of d.removes) {
      this.upserts.delete(id);
      this.removes.add(id);
    }
    return 'ok';
  }

  get pending(): boolean {
    return this.fromSeq !== null;
  }

  /** The merged delta since the last take (seq = the last frame's, fromSeq = the first's), or null. */
  take(): (DeltaFrame & { fromSeq: number }) | null {
    if (this.fromSeq === null || this.seq === null) return null;
    const out = {
      seq: this.seq,
      fromSeq: this.fromSeq,
      ts: this.ts,
      upserts: [...this.upserts.values()],
      removes: [...this.removes],
    };
    this.upserts.clear();
    this.removes.clear();
    this.fromSeq = null;
    return out;
  }

  reset(): void {
    this.upserts.clear();
    this.removes.clear();
    this.fromSeq = null;
    this.seq = null;
  }
}
