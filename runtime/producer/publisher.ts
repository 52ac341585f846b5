import type { Bus, PublishRecord } from '../bus/bus.ts';
import type { FlightEnvelope } from '../contract/envelope.ts';

export interface EnvelopePublisherOptions {
  bus: Bus;
  /** Every envelope goes to both: latest-per-key (compacted) and the append-only stream. */
  topics: { state: string; updates: string };
  /** Called with the running total every `logEveryMs` ("Published N flights"). */
  log?: (message: string, published: number) => void;
  logEveryMs?: number;
  now?: () => number;
}

export interface EnvelopePublisher {
  /** Stamps ingest_ts (publish time), publishes keyed by icao24, resolves once both topics acked. */
  publish(envelopes: FlightEnvelope[]): Promise<void>;
  readonly published: number;
  /** Logs the total now (at the end of a run). */
  logTotal(): void;
}

export function createEnvelopePublisher(options: EnvelopePublisherOptions): EnvelopePublisher {
  const now = options.now ?? Date.now;
  const logEveryMs = options.logEveryMs ?? 10_000;
  let published = 0;
  let lastLogMs = now();
  const log = () => options.log?.(`Published ${published} flights`, published);
  return {
    async publish(envelopes) {
      if (envelopes.length === 0) return;
      const ingestTs = now();
      const records: PublishRecord[] = envelopes.map((e) => ({
        key: e.icao24,
        value: JSON.stringify({ ...e, ingest_ts: ingestTs }),
      }));
      await Promise.all([
        options.bus.publish(options.topics.state, records),
        options.bus.publish(options.topics.updates, records),
      ]);
      published += envelopes.length;
      if (now() - lastLogMs >= logEveryMs) {
        lastLogMs = now();
        log();
      }
    },
    get published() {
      return published;
    },
    logTotal: log,
  };
}
