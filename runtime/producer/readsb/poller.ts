import type { Logger } from '../../log/logger.ts';
import { RateLimitedLog } from '../../log/rate-limited.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { EnvelopePublisher } from '../publisher.ts';
import { sleepUnlessAborted } from '../reconnect.ts';
import { asAircraftJson, convertAircraftJson } from './aircraft-json.ts';

/**
 * Polls a receiver's aircraft.json (readsb, dump1090-fa, tar1090: `http://host/tar1090/data/
 * aircraft.json` or `http://host:8080/data/aircraft.json`) every `intervalMs` and publishes the
 * positions that changed. Every failure is one log line (at most one per reason per 10 s), one
 * count in skysentinel_source_errors_total{source="readsb",reason} (timeout, http, json,
 * network) and a retry at the next interval; it never stops before `signal` aborts.
 */
export interface ReadsbPollerOptions {
  url: string;
  intervalMs: number;
  /** A request slower than this is abandoned (reason timeout). */
  timeoutMs?: number;
  publisher: EnvelopePublisher;
  metrics: Metrics;
  log: Logger;
  signal: AbortSignal;
  fetch?: typeof fetch;
  now?: () => number;
  /** Stop after this many polls (tests); unbounded by default. */
  maxPolls?: number;
}

export interface ReadsbStats {
  polls: number;
  published: number;
  errors: number;
}

class PollError extends Error {
  constructor(
    readonly reason: 'timeout' | 'http' | 'json' | 'network',
    message: string,
  ) {
    super(message);
  }
}

export async function runReadsbPoller(o: ReadsbPollerOptions): Promise<ReadsbStats> {
  const fetchFn = o.fetch ?? globalThis.fetch;
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? Math.max(2000, 3 * o.intervalMs);
  const stats: ReadsbStats = { polls: 0, published: 0, errors: 0 };
  const count = o.metrics.sourceMessages;
  const connected = o.metrics.sourceConnected.labels('readsb');
  const last = new Map<
    string,
    { ts: number; lat: number; lon: number; altM: number | null; onGround: boolean }
  >();
  const problems = new RateLimitedLog((reason, suppressed, detail) =>
    o.log.warn({ url: o.url, reason, suppressed, ...detail }, 'readsb: poll failed; retrying next interval'),
  );
  const badAircraft = new RateLimitedLog((reason, suppressed, detail) =>
    o.log.warn({ reason, suppressed, ...detail }, 'readsb: aircraft skipped'),
  );
  connected.set(0);

  const get = async (): Promise<unknown> => {
    let res: Response;
    let text: string;
    try {
      res = await fetchFn(o.url, {
        signal: AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)]),
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new PollError('http', `HTTP ${res.status}`);
      }
      text = await res.text();
    } catch (e) {
      if (e instanceof PollError) throw e;
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new PollError('timeout', `no complete answer within ${timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new PollError('network', cause?.code ?? cause?.message ?? (e as Error).message);
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new PollError('json', `not JSON: ${(e as Error).message}`);
    }
  };

  while (!o.signal.aborted && stats.polls < (o.maxPolls ?? Number.POSITIVE_INFINITY)) {
    const t0 = now();
    stats.polls++;
    try {
      const shaped = asAircraftJson(await get());
      if (typeof shaped === 'string') throw new PollError('json', shaped);
      connected.set(1);
      const c = convertAircraftJson(shaped, last);
      for (const [result, n] of Object.entries(c.skipped)) if (n > 0) count.labels('readsb', result).inc(n);
      if (c.firstInvalid !== null) badAircraft.note('invalid', { detail: c.firstInvalid });
      if (c.envelopes.length > 0) {
        await o.publisher.publish(c.envelopes).then(
          () => {
            count.labels('readsb', 'position').inc(c.envelopes.length);
            stats.published += c.envelopes.length;
          },
          (e) => o.log.error({ err: (e as Error).message }, 'readsb: publishing failed'),
        );
      }
    } catch (e) {
      if (o.signal.aborted) break;
      stats.errors++;
      connected.set(0);
      const reason = e instanceof PollError ? e.reason : 'network';
      o.metrics.sourceErrors.labels('readsb', reason).inc();
      problems.note(reason, { err: (e as Error).message });
    }
    const rest = o.intervalMs - (now() - t0);
    if (rest > 0 && stats.polls < (o.maxPolls ?? Number.POSITIVE_INFINITY))
      await sleepUnlessAborted(rest, o.signal);
  }
  connected.set(0);
  return stats;
}
