import { setTimeout as sleepMs } from 'node:timers/promises';
import { convertStates } from './opensky.ts';
import type { OpenSkyClient } from './opensky-client.ts';
import type { EnvelopePublisher } from './publisher.ts';

export interface LiveOptions {
  client: OpenSkyClient;
  publisher: EnvelopePublisher;
  pollS: number;
  signal?: AbortSignal;
  /** Stop after this many polls (tests); unbounded by default. */
  maxPolls?: number;
  onPoll?: (stats: LiveStats) => void;
  onError?: (e: unknown) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface LiveStats {
  polls: number;
  published: number;
  noPosition: number;
  invalid: number;
  unchanged: number;
  rateLimited: number;
  errors: number;
}

/** Polls OpenSky every pollS seconds and publishes what changed; errors are logged, never fatal. */
export async function runLive(options: LiveOptions): Promise<LiveStats> {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal) => sleepMs(ms, undefined, { signal }).catch(() => {}));
  const stats: LiveStats = {
    polls: 0,
    published: 0,
    noPosition: 0,
    invalid: 0,
    unchanged: 0,
    rateLimited: 0,
    errors: 0,
  };
  const lastTs = new Map<string, number>();
  while (!options.signal?.aborted && stats.polls < (options.maxPolls ?? Number.POSITIVE_INFINITY)) {
    const t0 = now();
    stats.polls++;
    let waitMs = options.pollS * 1000;
    try {
      const answer = await options.client.states();
      if (answer.kind === 'rate_limited') {
        stats.rateLimited++;
        waitMs = Math.max(waitMs, answer.retryAfterS * 1000);
      } else {
        const c = convertStates(answer.body, lastTs);
        stats.noPosition += c.noPosition;
        stats.invalid += c.invalid;
        stats.unchanged += c.unchanged;
        await options.publisher.publish(c.envelopes);
        stats.published += c.envelopes.length;
      }
    } catch (e) {
      stats.errors++;
      options.onError?.(e);
    }
    options.onPoll?.({ ...stats });
    if (stats.polls >= (options.maxPolls ?? Number.POSITIVE_INFINITY)) break;
    const rest = waitMs - (now() - t0);
    if (rest > 0) await sleep(rest, options.signal);
  }
  return stats;
}
