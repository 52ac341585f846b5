import { setTimeout as sleepMs } from 'node:timers/promises';

/**
 * Reconnect delays for a receiver that went away: exponential from `baseMs` to `maxMs`, with full
 * jitter in [0.5, 1] x the step so a fleet of producers does not reconnect in step.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const RECEIVER_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** `attempt` counts failures since the last success, from 0; `random` in [0, 1). Pure. */
export function jitteredBackoffMs(
  attempt: number,
  random: number,
  o: BackoffOptions = RECEIVER_BACKOFF,
): number {
  const step = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step * (0.5 + 0.5 * random));
}

/** Sleeps, waking early (without throwing) when `signal` aborts. */
export const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> =>
  sleepMs(ms, undefined, { signal }).then(
    () => {},
    () => {},
  );
