import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';

/** Feed items kept in memory (as many as the edge's log keeps); older ones drop off the end. */
export const FEED_LIMIT = 1000;

/**
 * An event as the feed holds it. `cursor` and `instance`: where the edge's log put it (absent for
 * events from a plain GET /anomalies); `orphaned`: it was open, but the edge no longer knows it
 * open (it restarted or lost it), so the feed shows it ended.
 */
export type FeedEvent = AnomalyEvent & { cursor?: number; instance?: string; orphaned?: boolean };

/**
 * Which of two records of the same id the feed keeps: the later phase (closed beats open, whatever
 * order they arrive in); a record from the edge beats the page's own orphan resolution (an edge
 * that says open again after a restart is right); otherwise the one that arrived last.
 */
export function latestRecord<T extends FeedEvent>(held: T, incoming: T): T {
  const heldClosed = held.phase === 'closed' && !held.orphaned;
  return heldClosed && (incoming.phase === 'open' || incoming.orphaned) ? held : incoming;
}

/**
 * Inserts an event into a newest-first feed (by detected_at, then id for a stable order).
 * The same id again replaces the earlier entry when it is the later record (latestRecord).
 * Returns a new array (the Solid store swaps it whole).
 */
export function mergeAnomaly<T extends FeedEvent>(feed: readonly T[], e: T, limit = FEED_LIMIT): T[] {
  return mergeAnomalies(feed, [e], limit);
}

export function mergeAnomalies<T extends FeedEvent>(
  feed: readonly T[],
  events: readonly T[],
  limit = FEED_LIMIT,
): T[] {
  if (events.length === 0) return feed as T[];
  const byId = new Map<string, T>();
  for (const e of feed) byId.set(e.id, e);
  for (const e of events) {
    const held = byId.get(e.id);
    byId.set(e.id, held === undefined ? e : latestRecord(held, e));
  }
  const out = [...byId.values()].sort(newestFirst);
  if (out.length > limit) out.length = limit;
  return out;
}

/**
 * Closes the feed's open events that the edge does not hold open (`openIds`): orphans of an edge
 * restart, or events whose close the page could not get. `settled(e)` says whether the edge's
 * answer covers `e` (an event newer than the answer may be open without being in it yet).
 */
export function resolveOrphans<T extends FeedEvent>(
  feed: readonly T[],
  openIds: ReadonlySet<string>,
  settled: (e: T) => boolean,
): T[] {
  let changed = false;
  const out = feed.map((e) => {
    if (e.phase !== 'open' || openIds.has(e.id) || !settled(e)) return e;
    changed = true;
    return { ...e, phase: 'closed' as const, orphaned: true };
  });
  return changed ? out : (feed as T[]);
}

function newestFirst(a: FeedEvent, b: FeedEvent): number {
  if (a.detected_at !== b.detected_at) return b.detected_at - a.detected_at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
