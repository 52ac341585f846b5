import { type AnomalyType, SEVERITIES, type Severity } from '../../../runtime/contract/anomaly.ts';
import type { FeedEvent } from './anomaly-feed.ts';

/** What the operator narrowed the feed to. */
export interface TriageFilter {
  /** Types hidden by their chip (all shown when empty). */
  hiddenTypes: AnomalyType[];
  openOnly: boolean;
  /** Events below this severity are hidden. */
  minSeverity: Severity;
}

export const DEFAULT_TRIAGE: TriageFilter = { hiddenTypes: [], openOnly: false, minSeverity: 'info' };

const rank = (s: Severity) => SEVERITIES.indexOf(s);

export function passesTriage(e: FeedEvent, f: TriageFilter): boolean {
  if (f.hiddenTypes.includes(e.type)) return false;
  if (f.openOnly && e.phase !== 'open') return false;
  return rank(e.severity) >= rank(f.minSeverity);
}

/** Events per type in the whole feed (the chips' counts), and how many of them are open. */
export function typeCounts(feed: readonly FeedEvent[]): Map<AnomalyType, { all: number; open: number }> {
  const out = new Map<AnomalyType, { all: number; open: number }>();
  for (const e of feed) {
    const c = out.get(e.type) ?? { all: 0, open: 0 };
    c.all++;
    if (e.phase === 'open') c.open++;
    out.set(e.type, c);
  }
  return out;
}

/**
 * Critical alerts that need the operator: open, unacknowledged, and an emergency squawk
 * (7500/7600/7700) or a rapid descent. Newest first (the feed's order).
 */
export function criticalAlerts(feed: readonly FeedEvent[], acked: ReadonlySet<string>): FeedEvent[] {
  return feed.filter(
    (e) =>
      e.phase === 'open' &&
      !acked.has(e.id) &&
      (e.type === 'emergency_squawk' || (e.type === 'rapid_descent' && e.severity === 'critical')),
  );
}

/** A row of the feed: one event, or a burst of one type folded together (newest first). */
export interface FeedRow {
  key: string;
  type: AnomalyType;
  events: FeedEvent[];
}

/** Consecutive events of one type closer than this (detected_at) belong to one burst. */
export const BURST_GAP_MS = 120_000;
/** A run this long or longer is folded into one row. */
export const BURST_MIN = 3;

/**
 * Folds runs of at least BURST_MIN consecutive events (in feed order) of one type, each within
 * BURST_GAP_MS of the previous, into one row. Critical events are never folded (they must be
 * seen one by one). Every event is in exactly one row, in the feed's order.
 */
export function foldBursts(feed: readonly FeedEvent[], gapMs = BURST_GAP_MS, min = BURST_MIN): FeedRow[] {
  const rows: FeedRow[] = [];
  let run: FeedEvent[] = [];
  const flush = () => {
    if (run.length >= min) rows.push({ key: `burst:${run[0]!.id}`, type: run[0]!.type, events: run });
    else for (const e of run) rows.push({ key: e.id, type: e.type, events: [e] });
    run = [];
  };
  for (const e of feed) {
    const prev = run[run.length - 1];
    const joins =
      prev !== undefined &&
      prev.type === e.type &&
      e.severity !== 'critical' &&
      Math.abs(prev.detected_at - e.detected_at) <= gapMs;
    if (!joins) flush();
    if (e.severity === 'critical') {
      rows.push({ key: e.id, type: e.type, events: [e] });
      continue;
    }
    run.push(e);
  }
  flush();
  return rows;
}
