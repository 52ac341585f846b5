import { afterEach, describe, expect, it } from 'vitest';
import type { FlightEnvelope } from '../../contract/envelope.ts';
import { createLogger } from '../../log/logger.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { waitFor } from '../../testing/cli-process.ts';
import { metricValue } from '../../testing/metrics-text.ts';
import type { EnvelopePublisher } from '../publisher.ts';
import { runSbsClient } from './client.ts';
import { sbsClock } from './clock.ts';
import { formatSbsLine } from './format.ts';
import { TestSbsReceiver } from './test-receiver.ts';

/** Collects what would go to the bus (the bus itself is tested elsewhere). */
function collectingPublisher(): EnvelopePublisher & { got: FlightEnvelope[] } {
  const got: FlightEnvelope[] = [];
  return {
    got,
    async publish(envelopes) {
      got.push(...envelopes);
    },
    get published() {
      return got.length;
    },
    logTotal() {},
  };
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const position = (icao24: string, i: number) =>
  formatSbsLine({
    type: 3,
    icao24,
    tsMs: T0 + i * 1000,
    altFt: 30_000,
    lat: 40 + i * 0.01,
    lon: -73,
    onGround: false,
  });

describe('SBS client against a real TCP receiver', () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  it('merges, counts garbage without stopping, reconnects after a drop and after a receiver restart', async () => {
    const receiver = await TestSbsReceiver.start();
    const metrics = createMetrics();
    const publisher = collectingPublisher();
    const abort = new AbortController();
    const run = runSbsClient({
      host: '127.0.0.1',
      port: receiver.port,
      clock: sbsClock('UTC'),
      publisher,
      metrics,
      log: createLogger('silent', false),
      signal: abort.signal,
      backoff: { baseMs: 20, maxMs: 200 },
    });
    stops.push(async () => {
      abort.abort();
      await run;
      await receiver.stop();
    });
    const text = async () => metrics.registry.metrics();
    const count = async (result: string) =>
      metricValue(await text(), 'skysentinel_source_messages_total', { source: 'sbs', result });

    await waitFor('the first connection', () => (receiver.clients === 1 ? true : undefined), 30_000, 10);
    receiver.send([
      formatSbsLine({ type: 1, icao24: '4ca2d6', tsMs: T0, callsign: 'EZY85MH' }),
      'garbage, not an SBS line',
      position('4ca2d6', 1),
      'MSG,3,1,1,NOTHEX,1,2026/01/01,12:00:02.000,2026/01/01,12:00:02.000,,,,,,,,,,,,',
      'STA,,5,179,400AE7,10103,2026/01/01,12:00:02.000,2026/01/01,12:00:02.000,RM',
    ]);
    receiver.write('\u0000\u00ff\u0013 binary noise without a line break'.repeat(40)); // over-long line
    receiver.send(['', position('4ca2d6', 2), position('4ca2d6', 2)]); // the repeat is not newer
    await waitFor('two positions', () => (publisher.got.length === 2 ? true : undefined), 30_000, 10);
    expect(publisher.got.map((e) => [e.icao24, e.callsign, e.ts, e.source])).toEqual([
      ['4ca2d6', 'EZY85MH', T0 + 1000, 'sbs'],
      ['4ca2d6', 'EZY85MH', T0 + 2000, 'sbs'],
    ]);
    expect(await count('malformed')).toBe(3); // the garbage line, the bad hex, the over-long line
    expect(await count('ignored')).toBe(1);
    expect(await count('not_newer')).toBe(1);

    // The receiver drops the connection: the client comes back and the stream goes on.
    receiver.dropClients();
    await waitFor(
      'a second connection',
      () => (receiver.accepted === 2 && receiver.clients === 1 ? true : undefined),
      30_000,
      10,
    );
    receiver.send([position('4ca2d6', 3)]);
    await waitFor('the third position', () => (publisher.got.length === 3 ? true : undefined), 30_000, 10);

    // The receiver restarts (refuses connections for a while, then listens on the same port).
    await receiver.stop();
    await waitFor(
      'refused connections counted',
      async () =>
        metricValue(await text(), 'skysentinel_source_errors_total', { source: 'sbs', reason: 'connect' }) >=
        2
          ? true
          : undefined,
      30_000,
      10,
    );
    await receiver.listen();
    await waitFor(
      'a connection after the restart',
      () => (receiver.clients === 1 ? true : undefined),
      30_000,
      10,
    );
    receiver.send([position('4ca2d6', 4), position('a0b1c2', 4)]);
    await waitFor(
      'positions after the restart',
      () => (publisher.got.length === 5 ? true : undefined),
      30_000,
      10,
    );
    expect(publisher.got.slice(3).map((e) => e.icao24)).toEqual(['4ca2d6', 'a0b1c2']);
    expect(
      metricValue(await text(), 'skysentinel_source_errors_total', { source: 'sbs', reason: 'disconnected' }),
    ).toBeGreaterThanOrEqual(2);
    expect(metricValue(await text(), 'skysentinel_source_connected', { source: 'sbs' })).toBe(1);
  });
});
