import type { AnomalyEvent, AnomalyType } from './anomaly.ts';
import type { AnomalyBacklog } from './protocol.ts';

export const ANOMALY_JOURNAL_SIZE = 1000;
/** Open events kept for the backlog's `open` list; past this the oldest open one is dropped. */
export const OPEN_EVENTS_MAX = 10_000;

/**
 * The alert backlog's semantics (docs/edge.md, "Alert backlog"), beside the protocol: the last
 * `size` anomaly events, each numbered by a cursor (1, 2, 3... per instance), and the events
 * open now. Re-delivered events (same id and phase) are ignored, so at-least-once delivery
 * records each once. The edge's AnomalyLog keeps one (plus its aircraft marks); the UI's
 * synthetic feed server and tests use the same.
 */
export class AnomalyJournal {
  private readonly events: AnomalyEvent[] = [];
  /** cursors[i] is the cursor of events[i] (consecutive). */
  private readonly cursors: number[] = [];
  private readonly seen = new Set<string>();
  /** id -> its open event, while it is open (insertion order = oldest first). */
  private readonly openEvents = new Map<string, AnomalyEvent>();
  private lastCursor = 0;

  constructor(private readonly size = ANOMALY_JOURNAL_SIZE) {}

  /** The cursor of the last recorded event (0 before the first). */
  get cursor(): number {
    return this.lastCursor;
  }

  /** Whether `add` would ignore this event (already recorded, or still open). */
  has(event: AnomalyEvent): boolean {
    return (
      this.seen.has(`${event.id}|${event.phase}`) || (event.phase === 'open' && this.openEvents.has(event.id))
    );
  }

  /** Records an event: its cursor, or null for a re-delivered one. */
  add(event: AnomalyEvent): number | null {
    if (this.has(event)) return null;
    // A late "open" after its "closed" (out-of-order delivery) must not reopen it.
    const closedAlready = event.phase === 'open' && this.seen.has(`${event.id}|closed`);
    this.seen.add(`${event.id}|${event.phase}`);
    this.events.push(event);
    this.cursors.push(++this.lastCursor);
    if (this.events.length > this.size) {
      const old = this.events.shift() as AnomalyEvent;
      this.cursors.shift();
      this.seen.delete(`${old.id}|${old.phase}`);
    }
    if (event.phase === 'open' && !closedAlready) {
      this.openEvents.set(event.id, event);
      if (this.openEvents.size > OPEN_EVENTS_MAX) {
        this.openEvents.delete(this.openEvents.keys().next().value as string);
      }
    } else if (event.phase === 'closed') this.openEvents.delete(event.id);
    return this.lastCursor;
  }

  /** The latest record of an event (its newest phase), or undefined when it is not kept. */
  byId(id: string): AnomalyEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.id === id) return this.events[i];
    return undefined;
  }

  /** Newest first, filtered like the PostGIS query. */
  query(q: { sinceMs?: number | undefined; type?: AnomalyType | undefined; limit: number }): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    for (let i = this.events.length - 1; i >= 0 && out.length < q.limit; i--) {
      const e = this.events[i]!;
      if (q.type !== undefined && e.type !== q.type) continue;
      if (q.sinceMs !== undefined && e.detected_at < q.sinceMs) continue;
      out.push(e);
    }
    return out;
  }

  /**
   * The events recorded after cursor `after`, oldest first, at most `limit` (the client asks
   * again from the returned `cursor` while `more`), and every event open now. `truncated`: some
   * events after `after` already left the journal (the client was away longer than its retention).
   */
  backlog(after: number, limit: number, instance: string): AnomalyBacklog {
    const first = this.cursors.length === 0 ? this.lastCursor + 1 : (this.cursors[0] as number);
    // Cursors are consecutive: the index of cursor c is c - first.
    const from = Math.max(0, after + 1 - first);
    const to = Math.min(this.events.length, from + limit);
    return {
      instance,
      cursor: to > from ? (this.cursors[to - 1] as number) : Math.min(after, this.lastCursor),
      more: to < this.events.length,
      truncated: after + 1 < first && after < this.lastCursor,
      anomalies: this.events.slice(from, to),
      open: [...this.openEvents.values()],
    };
  }
}
