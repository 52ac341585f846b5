import { setTimeout as sleepMs } from 'node:timers/promises';
import type { EnvelopePublisher } from './publisher.ts';
import { SyntheticFleet, type SyntheticOptions } from './synthetic.ts';

export interface SyntheticRunOptions extends SyntheticOptions {
  /** Updates per aircraft per second. */
  rateHz: number;
  publisher: EnvelopePublisher;
  signal?: AbortSignal;
  /** Stop after this many ticks (tests); unbounded by default. */
  maxTicks?: number;
  now?: () => number;
}

/** Publishes every aircraft once per tick (1/rateHz s), keeping to the wall clock. */
export async function runSynthetic(
  options: SyntheticRunOptions,
): Promise<{ ticks: number; published: number }> {
  const now = options.now ?? Date.now;
  const fleet = new SyntheticFleet(options);
  const periodMs = 1000 / options.rateHz;
  const start = now();
  let ticks = 0;
  let published = 0;
  let lastTs = start - periodMs;
  while (!options.signal?.aborted && ticks < (options.maxTicks ?? Number.POSITIVE_INFINITY)) {
    const ts = Math.max(Math.round(now()), lastTs + 1); // ts strictly increasing per aircraft
    const envelopes = fleet.step((ts - lastTs) / 1000, ts);
    lastTs = ts;
    await options.publisher.publish(envelopes);
    published += envelopes.length;
    ticks++;
    const rest = start + ticks * periodMs - now();
    if (rest > 0) await sleepMs(rest, undefined, { signal: options.signal }).catch(() => {});
  }
  return { ticks, published };
}
