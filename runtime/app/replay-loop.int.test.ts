import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import { type CliProcess, getJson, REPO_ROOT, startCli, waitFor } from '../testing/cli-process.ts';
import { fetchMetric } from '../testing/metrics-text.ts';

/**
 * `npm start` loops the NYC fixture. At every wrap the aircraft airborne at the end of the file
 * vanish and the file's first aircraft appear again: before issue 15 that raised dozens of
 * signal_lost (and pairs of approach and departure) per wrap. The replay now jumps feed time at a
 * wrap (runtime/producer/replay-clock.ts), which the actors see as an outage of the source: no
 * alert. Run on a 200 s excerpt of the fixture (no labelled anomaly in it; over 40 aircraft
 * airborne at its end) at 200x, so three loops take seconds; embedded bus, no database.
 */
const PORT = 18745;
const EXCERPT_S = 200;

describe('npm start: replay loops are not silences', () => {
  let app: CliProcess | null = null;
  afterAll(async () => app?.stop(15_000));

  it('three loops of the replay raise no alert at any wrap', { timeout: 180_000 }, async () => {
    const lines = readFileSync(join(REPO_ROOT, 'fixtures/opensky_nyc_sample.jsonl'), 'utf8').split('\n');
    const t0 = JSON.parse(lines[0]).ts as number;
    const excerpt = lines.filter((l) => {
      if (l.trim() === '') return false;
      try {
        return (JSON.parse(l) as { ts: number }).ts < t0 + EXCERPT_S * 1000;
      } catch {
        return false; // the fixture's malformed lines
      }
    });
    // The hazard is there: many aircraft are airborne in the excerpt's last seconds (they vanish at the wrap).
    const lastAirborne = new Set(
      excerpt
        .map((l) => JSON.parse(l) as { icao24: string; ts: number; on_ground: boolean })
        .filter((e) => e.ts > t0 + (EXCERPT_S - 15) * 1000 && !e.on_ground)
        .map((e) => e.icao24),
    );
    expect(lastAirborne.size).toBeGreaterThan(40);
    const file = join(mkdtempSync(join(tmpdir(), 'replay-loop-')), 'excerpt.jsonl');
    writeFileSync(file, `${excerpt.join('\n')}\n`);

    app = startCli(['run'], {
      HTTP_PORT: String(PORT),
      KAFKA_BROKERS: '',
      DATABASE_URL: '',
      REPLAY_FILE: file,
      REPLAY_SPEED: '200',
      REPLAY_LOOP: 'true',
      EDGE_TOKEN: '',
    });
    const proc = app;
    const base = `http://127.0.0.1:${PORT}`;
    const fail = (e: unknown) => {
      throw new Error(`${e}\n${proc.output().slice(-4000)}`);
    };
    // Three wraps behind and the fourth pass well under way: every wrap's silences have come due
    // (120 s of feed time = 0.6 s here).
    let last = { outages: 0, accepted: 0 };
    await waitFor(
      'three wraps and a fourth pass',
      async () => {
        last = {
          outages: await fetchMetric(base, 'skysentinel_feed_outages_total'),
          accepted: await fetchMetric(base, 'skysentinel_updates_total', { result: 'accepted' }),
        };
        return last.accepted >= 3.5 * excerpt.length ? last : undefined;
      },
      150_000,
      250,
    ).catch((e) => fail(`${e}; last seen ${JSON.stringify(last)}`));
    const { anomalies } = await getJson<{ anomalies: AnomalyEvent[] }>(`${base}/anomalies`);
    expect(anomalies.map((a) => `${a.type}:${a.icao24}`)).toEqual([]);
    expect(await fetchMetric(base, 'skysentinel_anomalies_total')).toBe(0);
    // Each wrap was seen by the actors as an outage of the source in feed time.
    expect(await fetchMetric(base, 'skysentinel_feed_outages_total')).toBeGreaterThanOrEqual(3);
    const ready = await getJson<{ feed: { state: string; outages: number } }>(`${base}/readyz`);
    expect(ready.feed.state).toBe('live');
    expect(ready.feed.outages).toBeGreaterThanOrEqual(3);
  });
});
