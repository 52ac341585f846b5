import { afterEach, describe, expect, it } from 'vitest';
import { startCli, waitFor } from '../testing/cli-process.ts';
import { fetchMetric } from '../testing/metrics-text.ts';
import { readsbAircraft, TestAircraftServer } from './readsb/test-aircraft-server.ts';
import { formatSbsLine } from './sbs/format.ts';
import { TestSbsReceiver } from './sbs/test-receiver.ts';

// `skysentinel produce --mode sbs|readsb` as a process of its own, with --metrics-port.
describe('skysentinel produce from a receiver', () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
  });

  it('--mode sbs --sbs HOST:PORT publishes positions and serves its metrics', async () => {
    const receiver = await TestSbsReceiver.start();
    stops.push(() => receiver.stop());
    let i = 0;
    const timer = setInterval(() => {
      if (i > 600) return clearInterval(timer);
      const t = Date.now();
      receiver.send([
        formatSbsLine({
          type: 3,
          icao24: 'a0b1c2',
          tsMs: t,
          altFt: 5000,
          lat: 40.6,
          lon: -73.8 + i++ * 0.001,
        }),
        'junk',
      ]);
    }, 100);
    stops.push(async () => clearInterval(timer));
    const app = startCli(
      ['produce', '--mode', 'sbs', '--sbs', `127.0.0.1:${receiver.port}`, '--metrics-port', '18251'],
      {
        KAFKA_BROKERS: '',
        HTTP_HOST: '127.0.0.1',
      },
    );
    stops.push(() => app.stop(10_000));
    const base = 'http://127.0.0.1:18251';
    const counts = await waitFor(
      'positions published and junk counted',
      async () => {
        const position = await fetchMetric(base, 'skysentinel_source_messages_total', {
          source: 'sbs',
          result: 'position',
        });
        const malformed = await fetchMetric(base, 'skysentinel_source_messages_total', {
          source: 'sbs',
          result: 'malformed',
        });
        return position >= 5 && malformed >= 5 ? { position, malformed } : undefined;
      },
      90_000, // generous: a loaded machine starts a process slowly; it returns as soon as it holds
      200,
    ).catch((e) => {
      throw new Error(`${e}\n${app.output().slice(-3000)}`);
    });
    expect(counts.position).toBeGreaterThanOrEqual(5);
    expect(await app.stop(10_000), app.output()).toBe(0);
    expect(app.output()).toContain('sbs source stopped');
  });

  it('--mode readsb --url URL --interval MS polls aircraft.json', async () => {
    const server = await TestAircraftServer.start((i) => ({
      kind: 'json',
      body: { now: Date.now() / 1000, aircraft: [readsbAircraft('a0b1c2', { lon: -73.8 + i * 0.001 })] },
    }));
    stops.push(() => server.close());
    const app = startCli(
      ['produce', '--mode', 'readsb', '--url', server.url, '--interval', '200', '--metrics-port', '18252'],
      {
        KAFKA_BROKERS: '',
        HTTP_HOST: '127.0.0.1',
      },
    );
    stops.push(() => app.stop(10_000));
    await waitFor(
      'positions published',
      async () =>
        (await fetchMetric('http://127.0.0.1:18252', 'skysentinel_source_messages_total', {
          source: 'readsb',
          result: 'position',
        })) >= 5
          ? true
          : undefined,
      90_000, // generous: a loaded machine starts a process slowly; it returns as soon as it holds
      200,
    ).catch((e) => {
      throw new Error(`${e}\n${app.output().slice(-3000)}`);
    });
    expect(server.requests).toBeGreaterThanOrEqual(5);
    expect(await app.stop(10_000), app.output()).toBe(0);
  });
});
