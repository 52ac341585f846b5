/**
 * Retry delays, shared by everything that reconnects or retries (the UI's WebSocket, the receiver
 * clients, the sinks): exponential from `baseMs`, capped at `maxMs`, with jitter in [0.5, 1] x the
 * step so a fleet of clients does not come back in step. Pure: the caller passes `random`.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** `attempt` counts failures since the last success, from 0; `random` in [0, 1). */
export function jitteredBackoffMs(attempt: number, random: number, o: BackoffOptions): number {
  const step = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step * (0.5 + 0.5 * random));
}
