import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';

/** Feed items kept in memory; older ones drop off the end. */
export const FEED_LIMIT = 200;

/**
 * Inserts an event into a newest-first feed (by detected_at, then id for a stable order).
 * The same id again (an "open" later "closed", or a re-delivery) replaces the earlier entry.
 * Returns a new array (the Solid store swaps it whole).
 */
export function mergeAnomaly(
  feed: readonly AnomalyEvent[],
  e: AnomalyEvent,
  limit = FEED_LIMIT,
): AnomalyEvent[] {
  const out = feed.filter((x) => x.id !== e.id);
  let i = 0;
  while (i < out.length && isNewer(out[i]!, e)) i++;
  out.splice(i, 0, e);
  if (out.length > limit) out.length = limit;
  return out;
}

export function mergeAnomalies(
  feed: readonly AnomalyEvent[],
  events: readonly AnomalyEvent[],
  limit = FEED_LIMIT,
): AnomalyEvent[] {
  let out = [...feed];
  for (const e of events) out = mergeAnomaly(out, e, limit);
  return out;
}

function isNewer(a: AnomalyEvent, b: AnomalyEvent): boolean {
  if (a.detected_at !== b.detected_at) return a.detected_at > b.detected_at;
  return a.id > b.id;
}
