/**
 * Behaviour of the ingest pipeline over a Bus, with a fake handler (no actors): run on the embedded
 * bus (ingest-pipeline.test.ts) and on the real broker (ingest-pipeline.int.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, TopicPartition } from '../bus/bus.ts';
import { valueText } from '../bus/bus.ts';
import { recordingConsumer, uniqueName, waitFor } from '../bus/bus-contract.ts';
import { partitionForKey } from '../bus/partitioner.ts';
import type { DlqRecord, FlightEnvelope } from '../contract/index.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { type DispatchMeta, type EnvelopeHandler, startIngestPipeline } from './ingest-pipeline.ts';

export function testEnvelope(icao24: string, ts: number): FlightEnvelope {
  return {
    v: 1,
    icao24,
    callsign: 'TEST1',
    ts,
    lat: 40.6,
    lon: -73.8,
    baro_alt_m: 1000,
    geo_alt_m: 1050,
    speed_ms: 120,
    track_deg: 90,
    vrate_ms: 0,
    on_ground: false,
    squawk: null,
    source: 'synthetic',
    ingest_ts: Date.now(),
  };
}

/** A handler that records what it gets; `drain` waits for `gate` when one is set. */
export function fakeHandler() {
  const got: Array<{ env: FlightEnvelope; meta: DispatchMeta }> = [];
  /** What `backlog` was told: partition, backlog, and how many envelopes had been dispatched then. */
  const backlogs: Array<{ partition: number; backlog: boolean; after: number }> = [];
  let gate: Promise<void> | null = null;
  const handler: EnvelopeHandler & { got: typeof got; backlogs: typeof backlogs; hold(): () => void } = {
    got,
    backlogs,
    dispatch: (env, meta) => {
      got.push({ env, meta: { ...meta } }); // meta is the pipeline's, valid during the call only
    },
    backlog: (partition, backlog) => {
      backlogs.push({ partition, backlog, after: got.length });
    },
    drain: () => gate ?? Promise.resolve(),
    hold() {
      let open!: () => void;
      gate = new Promise((r) => {
        open = r;
      });
      return () => {
        gate = null;
        open();
      };
    },
  };
  return handler;
}

const icao = (i: number) => (0xa00000 + (i % 50)).toString(16);
const envelopes = (n: number, from = 0) =>
  Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return { key: icao(i), value: JSON.stringify(testEnvelope(icao(i), 1_700_000_000_000 + i * 1000)) };
  });
const committedSum = async (bus: Bus, group: string, topic: string) =>
  (await bus.committed(group, topic)).reduce((s, o) => s + Math.max(0, o.offset), 0);

export function describePipelineContract(name: string, makeBus: () => Promise<Bus>) {
  describe(`ingest pipeline: ${name}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await bus?.close();
    });

    const setup = async (partitions = 6) => {
      const updates = uniqueName('p.updates');
      const dlq = uniqueName('p.dlq');
      await bus.ensureTopics([
        { name: updates, partitions, config: {} },
        { name: dlq, partitions: 1, config: {} },
      ]);
      return { updates, dlq, group: uniqueName('pg') };
    };

    /** A pipeline over `t`'s topics and group; `extra` overrides (metrics, hooks, clocks). */
    const startOn = (
      t: { updates: string; dlq: string; group: string },
      handler: EnvelopeHandler,
      extra: Partial<Parameters<typeof startIngestPipeline>[0]> = {},
    ) =>
      startIngestPipeline({
        bus,
        metrics: createMetrics(),
        groupId: t.group,
        topics: { updates: t.updates, dlq: t.dlq },
        handler,
        ...extra,
      });

    /** Waits for `records` DLQ records and the commit of `committed` offsets, stops, returns the records. */
    const stopAfterDeadLetters = async (
      pipeline: { stop(): Promise<void> },
      t: { updates: string; dlq: string; group: string },
      records: number,
      committed: number,
    ) => {
      const dead = await recordingConsumer(bus, uniqueName('g'), [t.dlq]);
      await waitFor(`${records} DLQ records`, () => dead.seen.length >= records);
      await waitFor(
        'commit past the poison',
        async () => (await committedSum(bus, t.group, t.updates)) === committed,
      );
      await pipeline.stop();
      await dead.consumer.stop();
      return dead.seen.map((m) => JSON.parse(valueText(m.value)) as DlqRecord);
    };

    it("tells the handler each partition's backlog: at assignment (an empty one has none), then after each batch", async () => {
      const { updates, dlq, group } = await setup(2);
      // One key: every message in one partition, the other stays empty.
      await bus.publish(
        updates,
        Array.from({ length: 20 }, (_, i) => ({
          key: 'a00001',
          value: JSON.stringify(testEnvelope('a00001', 1_700_000_000_000 + i * 1000)),
        })),
      );
      const handler = fakeHandler();
      const pipeline = await startOn({ updates, dlq, group }, handler);
      await waitFor('20 dispatched', () => handler.got.length >= 20);
      const busy = handler.got[0]!.meta.partition;
      await waitFor('the busy partition told caught up', () =>
        handler.backlogs.some((b) => b.partition === busy && !b.backlog && b.after === 20),
      );
      await pipeline.stop();
      // Told at assignment, before anything was dispatched: the busy one has a backlog, the empty one none.
      const atAssign = handler.backlogs.slice(0, 2);
      expect(atAssign.every((b) => b.after === 0)).toBe(true);
      expect(atAssign.map((b) => [b.partition, b.backlog]).sort()).toEqual(
        [
          [busy, true],
          [1 - busy, false],
        ].sort(),
      );
      // Never told "caught up" while messages were still to come.
      expect(handler.backlogs.filter((b) => b.partition === busy && !b.backlog && b.after < 20)).toEqual([]);
    });

    it('a partition empty at assignment that has messages by the next fetch is told so before another partition of that fetch is dispatched', async () => {
      const { updates, dlq, group } = await setup(2);
      const handler = fakeHandler();
      const pipeline = await startOn({ updates, dlq, group }, handler);
      // Assigned on an empty topic: both told they have nothing.
      await waitFor('both partitions told at assignment', () => handler.backlogs.length >= 2);
      expect(handler.backlogs.map((b) => b.backlog)).toEqual([false, false]);
      // Both partitions receive messages while the consumer is paused; the next fetch has both.
      pipeline.consumer.pause();
      const keyOf = (p: number) => [...Array(100).keys()].map(icao).find((k) => partitionForKey(k, 2) === p)!;
      await bus.publish(
        updates,
        [0, 1].flatMap((p) =>
          Array.from({ length: 10 }, (_, i) => ({
            key: keyOf(p),
            value: JSON.stringify(testEnvelope(keyOf(p), 1_700_000_000_000 + i * 1000)),
          })),
        ),
      );
      pipeline.consumer.resume();
      await waitFor('20 dispatched', () => handler.got.length >= 20);
      await pipeline.stop();
      // Whichever partition's batch came first, the other was told of its backlog before it.
      const first = handler.got[0]!.meta.partition;
      expect(handler.backlogs.filter((b) => b.after === 0 && b.backlog)).toContainEqual({
        partition: 1 - first,
        backlog: true,
        after: 0,
      });
    });

    it('dead-letters a poison message with its reason and the stream goes on', async () => {
      const { updates, dlq, group } = await setup(1);
      const metrics = createMetrics();
      const handler = fakeHandler();
      const pipeline = await startOn({ updates, dlq, group }, handler, { metrics });
      const bad = { ...testEnvelope('a00001', 1_700_000_001_000), icao24: 'XYZ' };
      await bus.publish(updates, [
        envelopes(1)[0]!,
        { key: 'a00001', value: '{"v":1,"icao24":' },
        { key: 'a00001', value: JSON.stringify(bad) },
        ...envelopes(3, 1),
      ]);
      await waitFor('4 dispatched', () => handler.got.length >= 4);
      const records = await stopAfterDeadLetters(pipeline, { updates, dlq, group }, 2, 6);
      expect(records.map((r) => [r.topic, r.partition, r.offset])).toEqual([
        [updates, 0, '1'],
        [updates, 0, '2'],
      ]);
      expect(records[0]!.reason).toBe('not_json');
      expect(records[0]!.raw).toBe('{"v":1,"icao24":');
      expect(records[1]!.reason).toMatch(/^icao24/);
      expect(handler.got.map((g) => g.meta.offset)).toEqual([0, 3, 4, 5]);
      const invalid = (await metrics.registry.getSingleMetric('skysentinel_updates_total')!.get()).values;
      expect(invalid.find((v) => v.labels.result === 'invalid')?.value).toBe(2);
    });

    it('dead-letters a live fix ahead of the wall clock (not a replay one); the stream goes on', async () => {
      const { updates, dlq, group } = await setup(1);
      const nowMs = 1_700_000_100_000;
      const handler = fakeHandler();
      const pipeline = await startOn({ updates, dlq, group }, handler, { now: () => nowMs });
      const hourAhead = testEnvelope('a00002', nowMs + 3_600_000);
      await bus.publish(updates, [
        envelopes(1)[0]!,
        { key: 'a00002', value: JSON.stringify(hourAhead) },
        { key: 'a00002', value: JSON.stringify({ ...hourAhead, source: 'replay' }) },
        envelopes(1, 1)[0]!,
      ]);
      await waitFor('3 dispatched', () => handler.got.length >= 3);
      const records = await stopAfterDeadLetters(pipeline, { updates, dlq, group }, 1, 4);
      expect(records.map((r) => [r.offset, r.reason])).toEqual([
        ['1', 'ts: 3600 s ahead of the wall clock (at most 60 s for a live source)'],
      ]);
      expect(handler.got.map((g) => g.meta.offset)).toEqual([0, 2, 3]);
    });

    it('commits only after the handler drained and the sinks are durable', async () => {
      const { updates, dlq, group } = await setup(1);
      const handler = fakeHandler();
      const release = handler.hold();
      let sinkDurable!: () => void;
      const sinkGate = new Promise<void>((r) => {
        sinkDurable = r;
      });
      const pipeline = await startOn({ updates, dlq, group }, handler, { durable: [() => sinkGate] });
      await bus.publish(updates, envelopes(10));
      await waitFor('10 dispatched', () => handler.got.length >= 10);
      await new Promise((r) => setTimeout(r, 500));
      expect(await committedSum(bus, group, updates)).toBe(0);
      release();
      await new Promise((r) => setTimeout(r, 300));
      expect(await committedSum(bus, group, updates)).toBe(0); // the sink is not durable yet
      sinkDurable();
      await waitFor('commit at 10', async () => (await committedSum(bus, group, updates)) === 10);
      await pipeline.stop();
    });

    it('pauses while saturated and resumes when drained', async () => {
      const { updates, dlq, group } = await setup(1);
      const handler = fakeHandler();
      let saturated = true;
      let drained!: () => void;
      const drainedGate = new Promise<void>((r) => {
        drained = r;
      });
      const metrics = createMetrics();
      const pipeline = await startOn({ updates, dlq, group }, handler, {
        metrics,
        saturated: () => saturated,
        drained: () => drainedGate,
      });
      await bus.publish(updates, envelopes(5));
      await waitFor('first batch', () => handler.got.length >= 5);
      await waitFor('paused', () => pipeline.stats().paused);
      await bus.publish(updates, envelopes(5, 5));
      await new Promise((r) => setTimeout(r, 1000));
      expect(handler.got.length).toBe(5);
      // While paused, bus_lag still tells the backlog (refreshed from the watermarks).
      const lag = async () =>
        (await metrics.registry.getSingleMetric('skysentinel_bus_lag')!.get()).values.reduce(
          (n, v) => n + v.value,
          0,
        );
      await waitFor('bus_lag to show the 5 waiting', async () => (await lag()) === 5);
      saturated = false;
      drained();
      await waitFor('the rest after drained', () => handler.got.length >= 10);
      expect(pipeline.stats().paused).toBe(false);
      await pipeline.stop();
    });

    it('two pipelines in one group: revoke drains, commits and stops the partition; all messages processed', async () => {
      const { updates, dlq, group } = await setup(6);
      const revoked: TopicPartition[][] = [];
      const a = fakeHandler();
      const b = fakeHandler();
      const metrics = createMetrics();
      const pa = await startOn({ updates, dlq, group }, a, {
        metrics,
        onRevoke: (tps) => {
          revoked.push(tps);
        },
      });
      await bus.publish(updates, envelopes(300));
      await waitFor('a processed 300', () => a.got.length >= 300);
      const pb = await startOn({ updates, dlq, group }, b, { metrics });
      await waitFor('b owns partitions', () => pb.consumer.assignment().length > 0, 60_000);
      await waitFor('a gave some up', () => revoked.length > 0, 60_000);
      await bus.publish(updates, envelopes(300, 300));
      const unique = () => new Set([...a.got, ...b.got].map((g) => `${g.env.icao24}@${g.env.ts}`)).size;
      await waitFor('600 unique processed', () => unique() >= 600, 60_000);
      await waitFor('all committed', async () => (await committedSum(bus, group, updates)) === 600, 60_000);
      // Committed work is never handed out again: b saw nothing of the first 300.
      expect(b.got.filter((g) => g.env.ts < 1_700_000_000_000 + 300 * 1000).length).toBe(0);
      await pb.stop();
      await pa.stop();
      expect(unique()).toBe(600);
    });

    it('warm restart: replays WARMUP back from the committed offset as replay, then goes live', async () => {
      const { updates, dlq, group } = await setup(1);
      const first = fakeHandler();
      const p1 = await startOn({ updates, dlq, group }, first);
      await bus.publish(updates, envelopes(20));
      await waitFor('committed 20', async () => (await committedSum(bus, group, updates)) === 20);
      await p1.stop();
      await bus.publish(updates, envelopes(5, 20));
      const second = fakeHandler();
      const p2 = await startOn({ updates, dlq, group }, second, { warmupMs: 60_000 });
      await waitFor('replay + live', () => second.got.length >= 25);
      await p2.stop();
      expect(second.got.map((g) => g.meta.offset)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(second.got.filter((g) => g.meta.replay).length).toBe(20);
      expect(second.got.slice(20).every((g) => !g.meta.replay)).toBe(true);
    });
  });
}
