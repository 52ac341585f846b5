import type { HistoryRow } from '../runtime/contract/index.ts';

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
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (base / 2) * random);
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
