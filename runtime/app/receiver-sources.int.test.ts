import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import { readsbAircraft, TestAircraftServer } from '../producer/readsb/test-aircraft-server.ts';
import { formatSbsLine } from '../producer/sbs/format.ts';
import { TestSbsReceiver } from '../producer/sbs/test-receiver.ts';
import { type CliProcess, getJson, startCli, waitFor } from '../testing/cli-process.ts';
import { fetchMetric } from '../testing/metrics-text.ts';

type Flights = {
  count: number;
  flights: Array<{ icao24: string; ts: number; squawk: string | null; callsign: string | null }>;
};

/** Three aircraft flying east at ~200 m/s from JFK's area; the third squawks 7700. */
const AIRCRAFT = [
  { icao24: 'a1b2c3', callsign: 'DAL1', lat: 40.7, squawk: '1200' },
  { icao24: 'b2c3d4', callsign: 'JBU2', lat: 40.8, squawk: '2345' },
  { icao24: 'c3d4e5', callsign: 'AAL3', lat: 40.9, squawk: '7700' },
];
const lonAt = (startMs: number, tMs: number) => -74.2 + ((tMs - startMs) / 1000) * 0.0024; // ~200 m/s east

/** A fake receiver's output: every tick, each aircraft's identification, velocity, squawk and position. */
function sbsTick(startMs: number, tMs: number, i: number): string[] {
  const lines: string[] = [];
  for (const a of AIRCRAFT) {
    lines.push(formatSbsLine({ type: 1, icao24: a.icao24, tsMs: tMs, callsign: a.callsign }));
    lines.push(
      formatSbsLine({
        type: 4,
        icao24: a.icao24,
        tsMs: tMs + 1,
        groundSpeedKt: 389,
        trackDeg: 90,
        vrateFtMin: 0,
      }),
    );
    lines.push(formatSbsLine({ type: 6, icao24: a.icao24, tsMs: tMs + 2, squawk: a.squawk, altFt: 30000 }));
    lines.push(
      formatSbsLine({
        type: 3,
        icao24: a.icao24,
        tsMs: tMs + 3,
        altFt: 30000,
        lat: a.lat,
        lon: lonAt(startMs, tMs),
        onGround: false,
      }),
    );
  }
  if (i % 3 === 0) lines.push('MSG,3,garbage', '\u0007\u0000 not SBS at all');
  return lines;
}

const threeAircraft = (base: string): Promise<Flights> =>
  waitFor(
    'the three aircraft on /flights',
    async () => {
      const f = await getJson<Flights>(`${base}/flights`);
      return f.count === 3 ? f : undefined;
    },
    90_000,
    250,
  );

describe('your own receiver drives the whole pipeline (skysentinel run)', () => {
  const stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
  });

  it('SOURCE=sbs: aircraft on /flights, a 7700 on the anomalies topic, garbage counted, a receiver restart ridden out', async () => {
    const brokers = process.env.KAFKA_BROKERS;
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: start Kafka with runtime/services/kafka.sh');
    const id = randomBytes(3).toString('hex');
    const receiver = await TestSbsReceiver.start();
    const startMs = Date.now();
    let tick = 0;
    // Bounded: at most 10 minutes of ticks, stopped by the test's end.
    const timer = setInterval(() => {
      if (tick > 1200) return clearInterval(timer);
      receiver.send(sbsTick(startMs, Date.now(), tick++));
    }, 500);
    stops.push(async () => {
      clearInterval(timer);
      await receiver.stop();
    });
    const port = 18241;
    const env = {
      SOURCE: 'sbs',
      SBS_ADDRESS: `127.0.0.1:${receiver.port}`,
      HTTP_PORT: String(port),
      KAFKA_BROKERS: brokers,
      KAFKA_GROUP_ID: `sbs-${id}`,
      TOPIC_STATE: `sbs-${id}.state`,
      TOPIC_UPDATES: `sbs-${id}.updates`,
      TOPIC_TRACKS: `sbs-${id}.tracks`,
      TOPIC_ANOMALIES: `sbs-${id}.anomalies`,
      TOPIC_DLQ: `sbs-${id}.dlq`,
      DATABASE_URL: '',
      STALE_AFTER_S: '600',
    };
    const app: CliProcess = startCli(['run'], env);
    stops.push(() => app.stop(15_000));
    const base = `http://127.0.0.1:${port}`;
    const fail = (e: unknown) => {
      throw new Error(`${e}\n${app.output().slice(-4000)}`);
    };

    const flights = await threeAircraft(base).catch(fail);
    expect(flights.flights.map((f) => [f.icao24, f.callsign]).sort()).toEqual(
      AIRCRAFT.map((a) => [a.icao24, a.callsign]),
    );

    // The anomaly is on the topic itself, read back from Kafka.
    const kafka = new Kafka({
      clientId: `sbs-test-${id}`,
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `sbs-test-reader-${id}` });
    const events: AnomalyEvent[] = [];
    await consumer.connect();
    stops.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: env.TOPIC_ANOMALIES, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        events.push(JSON.parse(String(message.value)) as AnomalyEvent);
      },
    });
    const emergency = await waitFor(
      'emergency_squawk on the anomalies topic',
      () => events.find((e) => e.type === 'emergency_squawk'),
      90_000,
      250,
    ).catch(fail);
    expect(emergency).toMatchObject({ icao24: 'c3d4e5', callsign: 'AAL3', severity: 'critical' });
    // Polled: the garbage goes out every third tick, and the counter is read as the producer goes.
    await waitFor(
      'the garbage counted as malformed',
      async () =>
        (await fetchMetric(base, 'skysentinel_source_messages_total', {
          source: 'sbs',
          result: 'malformed',
        })) > 0
          ? true
          : undefined,
      30_000,
      100,
    ).catch(fail);

    // The receiver restarts: it refuses connections, then listens again; the feed goes on.
    await receiver.stop();
    await waitFor(
      'the lost connection counted',
      async () =>
        (await fetchMetric(base, 'skysentinel_source_errors_total', {
          source: 'sbs',
          reason: 'disconnected',
        })) >= 1
          ? true
          : undefined,
      30_000,
      100,
    ).catch(fail);
    await new Promise((r) => setTimeout(r, 1500));
    await receiver.listen();
    const restartedMs = Date.now();
    await waitFor(
      'fresh positions after the restart',
      async () => {
        const f = await getJson<Flights>(`${base}/flights`);
        return f.flights.length === 3 && f.flights.every((x) => x.ts > restartedMs) ? true : undefined;
      },
      60_000,
      250,
    ).catch(fail);
    expect(receiver.accepted).toBeGreaterThanOrEqual(2);
    await waitFor(
      'the source shown connected again',
      async () =>
        (await fetchMetric(base, 'skysentinel_source_connected', { source: 'sbs' })) === 1 ? true : undefined,
      30_000,
      100,
    ).catch(fail);
  });

  it('SOURCE=readsb: a changing aircraft.json with stalls and errors, aircraft on /flights and a 7700 anomaly', async () => {
    const startMs = Date.now();
    let answers = 0;
    const server = await TestAircraftServer.start((i) => {
      answers = i;
      if (i % 10 === 4) return { kind: 'status', status: 500 };
      if (i % 10 === 7) return { kind: 'text', text: '{"now": 1, "aircraft": [' };
      if (i % 25 === 12) return { kind: 'stall' };
      const nowMs = Date.now();
      return {
        kind: 'json',
        body: {
          now: nowMs / 1000,
          messages: i * 100,
          aircraft: AIRCRAFT.map((a) =>
            readsbAircraft(a.icao24, {
              flight: a.callsign,
              squawk: a.squawk,
              alt_baro: 30000,
              baro_rate: 0,
              gs: 389,
              track: 90,
              lat: a.lat,
              lon: lonAt(startMs, nowMs - 100),
              seen_pos: 0.1,
            }),
          ),
        },
      };
    });
    stops.push(() => server.close());
    const port = 18242;
    const app = startCli(['run'], {
      SOURCE: 'readsb',
      READSB_URL: server.url,
      READSB_POLL_MS: '250',
      HTTP_PORT: String(port),
      KAFKA_BROKERS: '',
      DATABASE_URL: '',
      STALE_AFTER_S: '600',
    });
    stops.push(() => app.stop(15_000));
    const base = `http://127.0.0.1:${port}`;
    const fail = (e: unknown) => {
      throw new Error(`${e} (answers: ${answers})\n${app.output().slice(-4000)}`);
    };
    const flights = await threeAircraft(base).catch(fail);
    expect(flights.flights.map((f) => f.icao24).sort()).toEqual(AIRCRAFT.map((a) => a.icao24));
    const anomalies = await waitFor(
      'emergency_squawk on /anomalies',
      async () => {
        const r = await getJson<{ anomalies: AnomalyEvent[] }>(`${base}/anomalies?type=emergency_squawk`);
        return r.anomalies.find((e) => e.icao24 === 'c3d4e5');
      },
      90_000,
      250,
    ).catch(fail);
    expect(anomalies).toMatchObject({ callsign: 'AAL3', severity: 'critical' });
    const errors = await waitFor(
      'an HTTP error and malformed JSON counted, and polling going on after them',
      async () => {
        const http = await fetchMetric(base, 'skysentinel_source_errors_total', {
          source: 'readsb',
          reason: 'http',
        });
        const json = await fetchMetric(base, 'skysentinel_source_errors_total', {
          source: 'readsb',
          reason: 'json',
        });
        return http >= 1 && json >= 1 && answers >= 9 ? { http, json } : undefined;
      },
      60_000,
      250,
    ).catch(fail);
    expect(errors.http).toBeGreaterThanOrEqual(1);
    const before = await fetchMetric(base, 'skysentinel_source_messages_total', {
      source: 'readsb',
      result: 'position',
    });
    await waitFor(
      'more positions after the errors',
      async () =>
        (await fetchMetric(base, 'skysentinel_source_messages_total', {
          source: 'readsb',
          result: 'position',
        })) > before
          ? true
          : undefined,
      30_000,
      250,
    ).catch(fail);
  });
});
