import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { topicSpecs } from '../bus/index.ts';
import { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { createEnvelopePublisher } from '../producer/publisher.ts';
import { replayFile } from '../producer/replay.ts';
import { type CliProcess, getJson, startCli, waitFor } from '../testing/cli-process.ts';
import { fetchMetric } from '../testing/metrics-text.ts';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS is not set: start Kafka with runtime/services/kafka.sh');

const FIXTURE = 'fixtures/opensky_nyc_sample.jsonl';
const labels = JSON.parse(
  readFileSync(new URL('../../fixtures/opensky_nyc_sample.labels.json', import.meta.url), 'utf8'),
);
const EXPECTED_ACCEPTED: number = labels.counts.expected_results.accepted;

type Flights = { count: number; flights: Array<{ icao24: string }> };

// Two `process` instances in one consumer group and one `edge` fed only by flights.tracks and
// flights.anomalies, on the real broker: every aircraft of the replay shows on the edge, and each
// was processed by exactly one processor.
describe('scale-out on Kafka', () => {
  const id = randomBytes(3).toString('hex');
  const env = {
    KAFKA_BROKERS: brokers,
    KAFKA_GROUP_ID: `scale-${id}`,
    TOPIC_STATE: `scale-${id}.state`,
    TOPIC_UPDATES: `scale-${id}.updates`,
    TOPIC_TRACKS: `scale-${id}.tracks`,
    TOPIC_ANOMALIES: `scale-${id}.anomalies`,
    TOPIC_DLQ: `scale-${id}.dlq`,
    DATABASE_URL: '',
    STALE_AFTER_S: '600',
    LOG_LEVEL: 'info',
  };
  const procs: CliProcess[] = [];
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop(10_000)));
  });

  it('two processors split the aircraft, one edge shows them all', async () => {
    const bus = new KafkaBus({
      brokers: brokers.split(','),
      clientId: `scale-test-${id}`,
      logLevel: 'nothing',
    });
    await bus.ensureTopics(Object.values(topicSpecs(env as never)));
    const ports = [18031, 18032];
    for (const port of ports) procs.push(startCli(['process'], { ...env, HTTP_PORT: String(port) }));
    // Both members must own their share before the replay, or the first would process everything.
    await waitFor(
      'both processors to own 3 partitions each',
      () => (procs.every((p) => owned(p.output()).size === 3) ? true : undefined),
      60_000,
      250,
    ).catch((e) => {
      throw new Error(`${e}\n${procs.map((p) => p.output().slice(-3000)).join('\n----\n')}`);
    });
    const edge = startCli(['edge'], { ...env, HTTP_PORT: '18033' });
    procs.push(edge);
    await waitFor('the edge', () => getJson('http://127.0.0.1:18033/healthz').then(() => true), 30_000);

    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: env.TOPIC_STATE, updates: env.TOPIC_UPDATES },
    });
    const replay = await replayFile({ file: FIXTURE, speed: 200, loop: false, publisher });
    // labels: 20 dup + 20 out of order + 1 jump, and the frozen position's stale reports
    expect(replay.published).toBe(EXPECTED_ACCEPTED + 41 + labels.counts.expected_results.stale);

    const accepted = await waitFor(
      'every accepted update processed',
      async () => {
        const counts = await Promise.all(
          ports.map((p) =>
            fetchMetric(`http://127.0.0.1:${p}`, 'skysentinel_updates_total', { result: 'accepted' }),
          ),
        );
        return counts[0]! + counts[1]! === EXPECTED_ACCEPTED ? counts : undefined;
      },
      90_000,
      500,
    );
    expect(accepted[0]).toBeGreaterThan(0);
    expect(accepted[1]).toBeGreaterThan(0);

    const [a, b] = await Promise.all(ports.map((p) => getJson<Flights>(`http://127.0.0.1:${p}/flights`)));
    const setA = new Set(a!.flights.map((f) => f.icao24));
    const setB = new Set(b!.flights.map((f) => f.icao24));
    for (const icao24 of setA) expect(setB.has(icao24), `${icao24} processed by both`).toBe(false);
    const spawned = await Promise.all(
      ports.map((p) => fetchMetric(`http://127.0.0.1:${p}`, 'skysentinel_actors_spawned_total')),
    );
    expect(spawned[0]! + spawned[1]!).toBe(setA.size + setB.size); // no aircraft had an actor on both

    const union = new Set([...setA, ...setB]);
    const onEdge = await waitFor(
      'the edge to show every aircraft',
      async () => {
        const f = await getJson<Flights>('http://127.0.0.1:18033/flights');
        return f.count === union.size ? f : undefined;
      },
      30_000,
      500,
    );
    expect(new Set(onEdge.flights.map((f) => f.icao24))).toEqual(union);
    await bus.close();
  });
});

/** Partitions a processor owns now, from its 'partitions assigned' / 'partitions revoked' log lines. */
function owned(output: string): Set<number> {
  const set = new Set<number>();
  for (const line of output.split('\n')) {
    const m = /"partitions":\[([\d,]*)\].*"msg":"partitions (assigned|revoked)"/.exec(line);
    if (!m) continue;
    for (const p of m[1]!.split(',').filter(Boolean).map(Number)) {
      if (m[2] === 'assigned') set.add(p);
      else set.delete(p);
    }
  }
  return set;
}
