import type { AnomalyBacklog } from '../../../runtime/contract/protocol.ts';

/**
 * Keeps the page's alert feed exact across drops (docs/edge.md, "Alert backlog"): which cursor of
 * which edge instance the page holds every event up to, and when to ask GET /anomalies?after= for
 * the rest. Pure: app wiring does the fetching (alert-sync.ts).
 *
 * - On every hello: a new instance (first connect, or the edge restarted) starts from cursor 0;
 *   the same instance continues from the held cursor. Either way the page fetches the backlog.
 * - An anomaly frame with the next cursor advances it; a frame past a hole asks for the backlog.
 * - A backlog page advances the cursor to its end (if it is the instance asked for).
 */
export class AnomalySync {
  /** The instance whose cursor `cursor` is; null before the first hello that names one. */
  instance: string | null = null;
  /** Every event of `instance` up to this cursor is in the feed. */
  cursor = 0;

  /** A hello: returns the cursor to fetch after, and whether the edge is a new instance. */
  hello(instance: string | undefined): { after: number; restarted: boolean } | null {
    if (instance === undefined) return null; // an edge without cursors: nothing to reconcile by
    if (instance === this.instance) return { after: this.cursor, restarted: false };
    const restarted = this.instance !== null;
    this.instance = instance;
    this.cursor = 0;
    return { after: 0, restarted };
  }

  /** An anomaly frame's cursor: true when events between the held cursor and it are missing. */
  frame(cursor: number | undefined): boolean {
    if (cursor === undefined || this.instance === null) return false;
    if (cursor === this.cursor + 1) {
      this.cursor = cursor;
      return false;
    }
    return cursor > this.cursor + 1;
  }

  /**
   * A backlog page: 'more' (ask again from `cursor`), 'done', or 'stale' (it came from another
   * instance than the one the page follows: the edge restarted meanwhile; the next hello says so).
   */
  backlog(b: AnomalyBacklog): 'more' | 'done' | 'stale' {
    if (b.instance !== this.instance) return 'stale';
    if (b.cursor > this.cursor) this.cursor = b.cursor;
    return b.more ? 'more' : 'done';
  }
}
