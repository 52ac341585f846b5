import { setTimeout as sleepMs } from 'node:timers/promises';
import type { BackoffOptions } from '../contract/backoff.ts';

/** Reconnect delays for a receiver that went away (runtime/contract/backoff.ts): 0.5 s doubling to 30 s. */
export const RECEIVER_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Sleeps, waking early (without throwing) when `signal` aborts. */
export const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> =>
  sleepMs(ms, undefined, { signal }).then(
    () => {},
    () => {},
  );
