/** Reconnect delay: exponential with full jitter, capped (random in [0.5, 1] x the step). */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/** `attempt` counts failed tries since the last success, from 0. `random` in [0, 1). */
export function backoffDelayMs(attempt: number, random: number, o: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step * (0.5 + 0.5 * random));
}
