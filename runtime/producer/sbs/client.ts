import { connect, type Socket } from 'node:net';
import { type BackoffOptions, jitteredBackoffMs } from '../../contract/backoff.ts';
import type { FlightEnvelope } from '../../contract/envelope.ts';
import type { Logger } from '../../log/logger.ts';
import { RateLimitedLog } from '../../log/rate-limited.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { EnvelopePublisher } from '../publisher.ts';
import { RECEIVER_BACKOFF, sleepUnlessAborted } from '../reconnect.ts';
import type { SbsClock } from './clock.ts';
import { SbsMerger } from './merge.ts';
import { parseSbsLine, SbsLineSplitter } from './parse.ts';

/**
 * The SBS-1 TCP client (the I/O around parse.ts and merge.ts): connects to a receiver's BaseStation
 * port, reads lines, merges each aircraft's messages and publishes every new position. When the
 * receiver goes away (refused, reset, closed, or silent for `idleTimeoutMs`) it reconnects with
 * jittered exponential backoff, for ever, until `signal` aborts. Malformed lines are counted
 * (skysentinel_source_messages_total{source="sbs",result="malformed"}) and logged at most once per
 * reason every 10 s; the stream goes on. While a batch is being published the socket is paused, so
 * a slow bus pushes back on the receiver's TCP window instead of growing memory.
 */
export interface SbsClientOptions {
  host: string;
  port: number;
  clock: SbsClock;
  publisher: EnvelopePublisher;
  metrics: Metrics;
  log: Logger;
  signal: AbortSignal;
  backoff?: BackoffOptions;
  /** No byte for this long: the connection is taken for dead and reopened. */
  idleTimeoutMs?: number;
  merger?: SbsMerger;
  random?: () => number;
  now?: () => number;
}

export interface SbsStats {
  connections: number;
  lines: number;
  published: number;
  malformed: number;
}

/** A fix more than this far from the wall clock suggests SBS_TIME_ZONE is wrong (logged once). */
const CLOCK_SKEW_WARN_MS = 30 * 60_000;

export async function runSbsClient(o: SbsClientOptions): Promise<SbsStats> {
  const merger = o.merger ?? new SbsMerger();
  const random = o.random ?? Math.random;
  const now = o.now ?? Date.now;
  const stats: SbsStats = { connections: 0, lines: 0, published: 0, malformed: 0 };
  const count = o.metrics.sourceMessages;
  const connected = o.metrics.sourceConnected.labels('sbs');
  const badInput = new RateLimitedLog((reason, suppressed, detail) =>
    o.log.warn({ reason, suppressed, ...detail }, 'SBS: malformed input skipped'),
  );
  let skewWarned = false;
  let failures = 0;
  let lastPruneMs = now();
  /** The newest message time seen: aircraft are forgotten by message time, like the merger ages fields. */
  let newestMsgMs = 0;
  connected.set(0);

  while (!o.signal.aborted) {
    const delivered = await readConnection();
    if (o.signal.aborted) break;
    failures = delivered ? 0 : failures + 1;
    const waitMs = jitteredBackoffMs(failures, random(), o.backoff ?? RECEIVER_BACKOFF);
    o.log.info({ address: `${o.host}:${o.port}`, retryInMs: waitMs }, 'SBS: reconnecting');
    await sleepUnlessAborted(waitMs, o.signal);
  }
  connected.set(0);
  return stats;

  /** One connection, to its end; true when it delivered at least one valid message. */
  function readConnection(): Promise<boolean> {
    return new Promise((resolve) => {
      const splitter = new SbsLineSplitter();
      let delivered = false;
      let publishing: Promise<void> = Promise.resolve();
      let socket: Socket;
      let done = false;
      const finish = (reason: string | null, detail?: string) => {
        if (done) return;
        done = true;
        o.signal.removeEventListener('abort', onAbort);
        connected.set(0);
        if (reason !== null) {
          o.metrics.sourceErrors.labels('sbs', reason).inc();
          o.log.warn({ address: `${o.host}:${o.port}`, reason, detail }, 'SBS: receiver connection lost');
        }
        socket.destroy();
        // Whatever was read before the close still goes out.
        publishing.then(() => resolve(delivered));
      };
      const onAbort = () => finish(null);
      socket = connect({ host: o.host, port: o.port });
      socket.setEncoding('latin1');
      socket.setKeepAlive(true, 30_000);
      socket.setTimeout(o.idleTimeoutMs ?? 120_000);
      o.signal.addEventListener('abort', onAbort, { once: true });
      let opened = false;
      socket.once('connect', () => {
        opened = true;
        stats.connections++;
        connected.set(1);
        o.log.info({ address: `${o.host}:${o.port}` }, 'SBS: connected to the receiver');
      });
      socket.on('timeout', () => finish('idle', `no data for ${o.idleTimeoutMs ?? 120_000} ms`));
      socket.on('error', (e) => finish(opened ? 'disconnected' : 'connect', e.message));
      socket.on('end', () => finish('disconnected', 'closed by the receiver'));
      socket.on('data', (chunk: string) => {
        const batch: FlightEnvelope[] = [];
        splitter.push(
          chunk,
          (line) => {
            stats.lines++;
            const p = parseSbsLine(line, o.clock);
            if (p.kind !== 'msg') {
              count.labels('sbs', p.kind).inc();
              if (p.kind === 'malformed') {
                stats.malformed++;
                badInput.note(p.reason, { line: line.slice(0, 120) });
              }
              return;
            }
            delivered = true;
            if (p.msg.tsMs > newestMsgMs) newestMsgMs = p.msg.tsMs;
            const r = merger.apply(p.msg);
            count.labels('sbs', r.kind).inc();
            if (r.kind === 'invalid') badInput.note(r.reason, { icao24: p.msg.icao24 });
            if (r.kind !== 'position') return;
            if (!skewWarned && Math.abs(r.envelope.ts - now()) > CLOCK_SKEW_WARN_MS) {
              skewWarned = true;
              o.log.warn(
                { ts: r.envelope.ts, skewMin: Math.round((r.envelope.ts - now()) / 60_000) },
                'SBS: message time is far from this clock: is SBS_TIME_ZONE the receiver’s zone?',
              );
            }
            batch.push(r.envelope);
          },
          () => {
            stats.malformed++;
            count.labels('sbs', 'malformed').inc();
            badInput.note('line over 1024 characters');
          },
        );
        if (now() - lastPruneMs > 60_000) {
          lastPruneMs = now();
          merger.prune(newestMsgMs);
        }
        if (batch.length === 0) return;
        socket.pause();
        publishing = publishing
          .then(() => o.publisher.publish(batch))
          .then(
            () => {
              stats.published += batch.length;
            },
            (e) => o.log.error({ err: (e as Error).message }, 'SBS: publishing failed'),
          )
          .finally(() => {
            if (!socket.destroyed) socket.resume();
          });
      });
    });
  }
}
