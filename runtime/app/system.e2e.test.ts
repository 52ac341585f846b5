import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../../ui/build.ts';
import { launchBrowser, openPage, type PageLog, screenshot } from '../../ui/e2e/browser.ts';
import { valueText } from '../bus/bus.ts';
import { topicSpecs } from '../bus/index.ts';
import { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import { createTestDatabase, type TestDatabase } from '../db/test-db.ts';
import { createEnvelopePublisher } from '../producer/publisher.ts';
import { replayFile } from '../producer/replay.ts';
import { type CliProcess, getJson, startCli, waitFor } from '../testing/cli-process.ts';
import { fetchMetric } from '../testing/metrics-text.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS is not set: start Kafka with runtime/services/kafka.sh');

interface Label {
  type: string;
  icao24: string;
  callsign: string;
  airport: string | null;
}
const labels = JSON.parse(
  readFileSync(new URL('../../fixtures/opensky_nyc_sample.labels.json', import.meta.url), 'utf8'),
) as { anomalies: Label[]; counts: { expected_results: { accepted: number } } };
const EXPECTED_ACCEPTED = labels.counts.expected_results.accepted;
const SPEED = 40;

/**
 * The whole product on the real stack: Kafka, PostGIS, a `process` and an `edge` process, the
 * globe in headless Chromium. The NYC fixture is replayed at 40x; every labelled anomaly must reach
 * flights.anomalies, the anomalies table and the UI's feed, history must hold exactly the accepted
 * updates, and the globe must show the edge's aircraft.
 */
describe('the whole system, fixture replay at 40x', () => {
  const id = randomBytes(3).toString('hex');
  let db: TestDatabase;
  let browser: Browser;
  const procs: CliProcess[] = [];
  afterAll(async () => {
    await browser?.close();
    await Promise.all(procs.map((p) => p.stop(10_000)));
    await db?.drop();
  });

  it('anomalies reach the topic, the table and the feed; history is exact; the globe shows the aircraft', async () => {
    ensureUiBuilt();
    db = await createTestDatabase(`system_${id}`);
    const env = {
      KAFKA_BROKERS: brokers,
      KAFKA_GROUP_ID: `system-${id}`,
      TOPIC_STATE: `system-${id}.state`,
      TOPIC_UPDATES: `system-${id}.updates`,
      TOPIC_TRACKS: `system-${id}.tracks`,
      TOPIC_ANOMALIES: `system-${id}.anomalies`,
      TOPIC_DLQ: `system-${id}.dlq`,
      DATABASE_URL: db.url,
      SINK_FLUSH_MS: '200',
      STALE_AFTER_S: '3600', // nothing leaves the board during the test
    };
    const bus = new KafkaBus({
      brokers: brokers.split(','),
      clientId: `system-test-${id}`,
      logLevel: 'nothing',
    });
    await bus.ensureTopics(Object.values(topicSpecs(env as never)));

    const processor = startCli(['process'], { ...env, HTTP_PORT: '18041' }); // its edge: /metrics
    const edge = startCli(['edge'], { ...env, HTTP_PORT: '18042' });
    procs.push(processor, edge);
    await waitFor(
      'processor partitions',
      () => (processor.output().includes('partitions assigned') ? true : undefined),
      60_000,
    );
    await waitFor('edge up', () => getJson('http://127.0.0.1:18042/healthz').then(() => true), 60_000);

    browser = await launchBrowser();
    const opened = await openPage(browser, 'http://127.0.0.1:18042/');
    const page: Page = opened.page;
    const log: PageLog = opened.log;

    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: env.TOPIC_STATE, updates: env.TOPIC_UPDATES },
    });
    await replayFile({ file: 'fixtures/opensky_nyc_sample.jsonl', speed: SPEED, loop: false, publisher });

    // History holds exactly the accepted updates.
    const accepted = await waitFor(
      'every update processed',
      async () => {
        const n = await fetchMetric('http://127.0.0.1:18041', 'skysentinel_updates_total', {
          result: 'accepted',
        });
        return n >= EXPECTED_ACCEPTED ? n : undefined;
      },
      120_000,
      500,
    );
    expect(accepted).toBe(EXPECTED_ACCEPTED);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const history = await waitFor(
      'history to catch up',
      async () => {
        const n = Number((await client.query('SELECT count(*) AS n FROM flights_history')).rows[0].n);
        return n >= accepted ? n : undefined;
      },
      60_000,
      250,
    );
    expect(history).toBe(accepted);

    // Every labelled anomaly is on flights.anomalies, and nothing else is.
    const events: AnomalyEvent[] = [];
    const reader = await bus.consume({
      groupId: `system-read-${id}`,
      topics: [env.TOPIC_ANOMALIES],
      fromBeginning: true,
      async eachBatch(b) {
        for (const m of b.messages) events.push(JSON.parse(valueText(m.value)));
      },
    });
    const key = (x: { type: string; icao24: string; airport: string | null }) =>
      `${x.type}:${x.icao24}:${x.airport}`;
    const wanted = new Set(labels.anomalies.map(key));
    await waitFor('every labelled anomaly on the topic', () =>
      [...wanted].every((k) => events.some((e) => key(e) === k)) ? true : undefined,
    );
    await reader.stop();
    expect(new Set(events.map(key))).toEqual(wanted);

    // ...in the anomalies table, one row per event id (polled: an event can be on the topic a
    // moment before the history sink's batch that holds its row is committed)...
    type Row = { id: string; type: string; icao24: string; airport: string | null };
    const sameKeys = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((k) => b.has(k));
    let rows: Row[] = [];
    await waitFor(
      'every labelled anomaly in the anomalies table',
      async () => {
        rows = (await client.query<Row>('SELECT id, type, icao24, airport FROM anomalies')).rows;
        return sameKeys(new Set(rows.map(key)), wanted) ? true : undefined;
      },
      30_000,
      250,
    ).catch((e) => {
      throw new Error(`${e.message}; last rows seen: ${JSON.stringify(rows.map(key))}`);
    });
    expect(new Set(rows.map(key))).toEqual(wanted);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(events.map((e) => e.id)));
    await client.end();

    // ...and in the UI's feed.
    for (const l of labels.anomalies) {
      await page
        .locator(`[data-testid=anomaly-item][data-icao24="${l.icao24}"][data-type="${l.type}"]`)
        .first()
        .waitFor({ timeout: 30_000 });
    }

    // The globe shows the edge's aircraft (both sides read in each poll: the edge may still be
    // taking in the last tracks).
    const counts = async () => ({
      edge: (await getJson<{ count: number }>('http://127.0.0.1:18042/flights')).count,
      shown: Number(await page.getByTestId('visible-count').textContent()),
    });
    await expect
      .poll(async () => {
        const c = await counts();
        return c.edge === c.shown ? c.edge : c;
      })
      .toBeGreaterThan(50);
    await screenshot(page, 'system-01-after-replay');
    expect(log.errors).toEqual([]);
    await bus.close();
  });
});
