import { afterEach, describe, expect, it } from 'vitest';
import type { FlightEnvelope } from '../../contract/envelope.ts';
import { createLogger } from '../../log/logger.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { waitFor } from '../../testing/cli-process.ts';
import { metricValue } from '../../testing/metrics-text.ts';
import type { EnvelopePublisher } from '../publisher.ts';
import { runReadsbPoller } from './poller.ts';
import { type AircraftAnswer, readsbAircraft, TestAircraftServer } from './test-aircraft-server.ts';

describe('readsb poller against a real HTTP server', () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  it('publishes changed positions and rides out a stall, HTTP errors and malformed JSON', async () => {
    const now = 1_767_268_800; // epoch s
    const snap = (t: number, aircraft: unknown[]): AircraftAnswer => ({
      kind: 'json',
      body: { now: t, messages: 1, aircraft },
    });
    const script: AircraftAnswer[] = [
      snap(now, [
        readsbAircraft('a0b1c2'),
        readsbAircraft('c0ffee', { alt_baro: 'ground', gs: 12, lat: 40.64 }),
        { hex: 'abcdef', seen: 1 },
      ]),
      // The same fixes a second later (seen_pos grew): nothing new to publish.
      snap(now + 1, [
        readsbAircraft('a0b1c2', { seen_pos: 1.4 }),
        readsbAircraft('c0ffee', { alt_baro: 'ground', gs: 12, lat: 40.64, seen_pos: 1.4 }),
      ]),
      { kind: 'stall' },
      { kind: 'status', status: 503 },
      { kind: 'text', text: '{"now": 17672688' },
      { kind: 'json', body: { now: 'soon', aircraft: [] } },
      // a0b1c2 moved; c0ffee unchanged; a non-ICAO address and a stale position are skipped.
      snap(now + 7, [
        readsbAircraft('a0b1c2', { lat: 40.62, seen_pos: 0.2, squawk: '7700' }),
        readsbAircraft('c0ffee', { alt_baro: 'ground', gs: 12, lat: 40.64, seen_pos: 7.4 }),
        readsbAircraft('~2d0f01'),
        readsbAircraft('e1e2e3', { seen_pos: 95 }),
      ]),
    ];
    const server = await TestAircraftServer.start(
      (i) => script[Math.min(i, script.length - 1)] as AircraftAnswer,
    );
    const got: FlightEnvelope[] = [];
    const publisher: EnvelopePublisher = {
      async publish(e) {
        got.push(...e);
      },
      get published() {
        return got.length;
      },
      logTotal() {},
    };
    const metrics = createMetrics();
    const abort = new AbortController();
    const run = runReadsbPoller({
      url: server.url,
      intervalMs: 50,
      // Only the scripted stall may time out: 300 ms also timed out an ordinary answer on a machine
      // at load 20 (timeouts counted 2, and the script's answers shifted by one).
      timeoutMs: 2_000,
      publisher,
      metrics,
      log: createLogger('silent', false),
      signal: abort.signal,
    });
    stops.push(async () => {
      abort.abort();
      await run;
      await server.close();
    });
    await waitFor(
      'the moved aircraft after the errors',
      () => (got.length === 3 ? true : undefined),
      20_000,
      10,
    );
    const text = await metrics.registry.metrics();
    const errors = (reason: string) =>
      metricValue(text, 'skysentinel_source_errors_total', { source: 'readsb', reason });
    expect([errors('timeout'), errors('http'), errors('json')]).toEqual([1, 1, 2]);
    const results = (result: string) =>
      metricValue(text, 'skysentinel_source_messages_total', { source: 'readsb', result });
    expect(results('position')).toBe(3);
    expect(results('unchanged')).toBeGreaterThanOrEqual(3);
    expect(results('no_position')).toBe(1);
    expect(results('ignored')).toBeGreaterThanOrEqual(1);
    expect(results('stale_position')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'skysentinel_source_connected', { source: 'readsb' })).toBe(1);

    const [a, ground, moved] = got as [FlightEnvelope, FlightEnvelope, FlightEnvelope];
    expect(a).toMatchObject({
      icao24: 'a0b1c2',
      callsign: 'DAL123',
      ts: Math.round((now - 0.4) * 1000),
      baro_alt_m: 3000 * 0.3048,
      geo_alt_m: 3100 * 0.3048,
      on_ground: false,
      category: 4,
      source: 'readsb',
    });
    expect(a.speed_ms).toBeCloseTo(128.61, 2);
    expect(a.vrate_ms).toBeCloseTo(-3.2512, 4);
    expect(ground).toMatchObject({ icao24: 'c0ffee', on_ground: true, baro_alt_m: null });
    expect(moved).toMatchObject({
      icao24: 'a0b1c2',
      lat: 40.62,
      squawk: '7700',
      ts: Math.round((now + 7 - 0.2) * 1000),
    });
  });
});
