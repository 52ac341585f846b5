import { jitteredBackoffMs } from '../runtime/contract/backoff.ts';
import { type HistoryRow, TS_MAX_MS, TS_MIN_MS } from '../runtime/contract/index.ts';

/** Pure helpers the history sink uses per batch (no I/O, no clock). */

export const DAY_MS = 86_400_000;

/** The distinct UTC days (as day numbers since the epoch) the rows' ts fall on, ascending. */
export function utcDays(rows: readonly HistoryRow[]): number[] {
  const days = new Set<number>();
  for (const r of rows) days.add(Math.floor(r.ts / DAY_MS));
  return [...days].sort((a, b) => a - b);
}

/** The newest row per aircraft (largest ts; the later row on a tie), in first-seen order. */
export function latestPerAircraft(rows: readonly HistoryRow[]): HistoryRow[] {
  const latest = new Map<string, HistoryRow>();
  for (const r of rows) {
    const prev = latest.get(r.icao24);
    if (prev === undefined || r.ts >= prev.ts) latest.set(r.icao24, r);
  }
  return [...latest.values()];
}

/**
 * Jittered exponential backoff: attempt 0 waits about minMs, each further attempt doubles it up to
 * maxMs; `random` in [0, 1) spreads retries of several sinks apart (between half and all of it).
 */
export function backoffMs(attempt: number, random: number, minMs = 100, maxMs = 5_000): number {
  return jitteredBackoffMs(attempt, random, { baseMs: minMs, maxMs });
}

/**
 * The end of the time range whose partitions may get their GiST index: days that ended more than
 * graceMs ago, but never a day this sink wrote to within the last graceMs (a replay writes old days).
 */
export function closedBeforeMs(
  nowMs: number,
  graceMs: number,
  lastWriteMsByDay: ReadonlyMap<number, number>,
): number {
  let before = Math.floor((nowMs - graceMs) / DAY_MS) * DAY_MS;
  for (const [day, lastWriteMs] of lastWriteMsByDay) {
    if (nowMs - lastWriteMs < graceMs) before = Math.min(before, day * DAY_MS);
  }
  return before;
}

/** The times a history row may have: [fromMs, toMs). */
export interface HistoryWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The days the history accepts: within `retentionDays` of today in either direction, and inside
 * the contract's [2000, 2100). An older row would be dropped at the next retention pass anyway; a
 * newer one comes from a wrong clock or a replay running far ahead. So whatever the data, at most
 * 2 x retentionDays + 1 day partitions exist (one message per distinct day used to make one table
 * each).
 */
export function historyWindow(nowMs: number, retentionDays: number): HistoryWindow {
  const today = Math.floor(nowMs / DAY_MS);
  return {
    fromMs: Math.max(TS_MIN_MS, (today - retentionDays) * DAY_MS),
    toMs: Math.min(TS_MAX_MS, (today + retentionDays + 1) * DAY_MS),
  };
}

/** Why a row is outside the window, or null when it is inside. */
export function outsideWindow(ts: number, w: HistoryWindow): string | null {
  if (Number.isSafeInteger(ts) && ts >= w.fromMs && ts < w.toMs) return null;
  const at = Number.isFinite(ts) && Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
  return `ts ${at} outside the history window [${new Date(w.fromMs).toISOString()}, ${new Date(w.toMs).toISOString()}) (retention either side of today)`;
}
