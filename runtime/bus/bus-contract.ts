/**
 * The behavioural suite every Bus implementation passes: run by embedded-bus.test.ts (in-process)
 * and kafka-bus.int.test.ts (the real broker). Not a test file itself: it only declares tests.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { TOPIC_DEFAULTS } from '../contract/topics.ts';
import { createEnvelopePublisher } from '../producer/publisher.ts';
import { replayFile } from '../producer/replay.ts';
import type { Bus, BusMessage, ConsumeOptions, PartitionOffset, TopicPartition } from './bus.ts';
import { valueText } from './bus.ts';

export const uniqueName = (prefix: string) => `${prefix}.${randomUUID().slice(0, 8)}`;

/** Polls `check` until it returns true, failing with `what` after timeoutMs. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A consumer that records every message it is handed and commits after each batch (unless told not to). */
export async function recordingConsumer(
  bus: Bus,
  groupId: string,
  topics: string[],
  opts: { commit?: boolean; hooks?: Partial<ConsumeOptions> } = {},
) {
  const seen: BusMessage[] = [];
  const events: string[] = [];
  const consumer = await bus.consume({
    groupId,
    topics,
    fromBeginning: true,
    eachBatch: async (batch, consumer) => {
      seen.push(...batch.messages);
      if (opts.commit !== false) {
        const last = batch.messages[batch.messages.length - 1]!;
        await consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
      }
    },
    onAssign: async (tps) => {
      events.push(`assign:${fmt(tps)}`);
    },
    onRevoke: async (tps) => {
      events.push(`revoke:${fmt(tps)}`);
    },
    ...opts.hooks,
  });
  return { consumer, seen, events };
}

const fmt = (tps: TopicPartition[]) =>
  tps
    .map((t) => t.partition)
    .sort((a, b) => a - b)
    .join(',');

const keyOf = (i: number) => (i % 50).toString(16).padStart(6, 'a');

export function describeBusContract(name: string, makeBus: () => Promise<Bus>) {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await bus?.close();
    });

    it('creates topics idempotently and reads cleanup.policy back (flights.state is compacted)', async () => {
      const state = uniqueName('t.state');
      const updates = uniqueName('t.updates');
      const specs = [
        { ...TOPIC_DEFAULTS.state, name: state },
        { ...TOPIC_DEFAULTS.updates, name: updates },
      ];
      expect((await bus.ensureTopics(specs)).sort()).toEqual([state, updates].sort());
      expect(await bus.ensureTopics(specs)).toEqual([]);
      const d = await bus.describeTopic(state);
      expect(d?.partitions).toBe(6);
      expect(d?.config['cleanup.policy']).toBe('compact');
      expect((await bus.describeTopic(updates))?.config['retention.ms']).toBe(String(24 * 3600_000));
      expect(await bus.describeTopic(uniqueName('t.none'))).toBeNull();
    });

    it('delivers every message once with per-key order kept, and one key stays on one partition', async () => {
      const topic = uniqueName('t.order');
      await bus.ensureTopics([{ name: topic, partitions: 6, config: {} }]);
      const n = 3000;
      for (let start = 0; start < n; start += 500) {
        const batch = Array.from({ length: 500 }, (_, j) => {
          const i = start + j;
          return { key: keyOf(i), value: JSON.stringify({ i }) };
        });
        await bus.publish(topic, batch);
      }
      const { consumer, seen } = await recordingConsumer(bus, uniqueName('g'), [topic]);
      await waitFor(`${n} messages`, () => seen.length >= n);
      await consumer.stop();
      expect(seen.length).toBe(n);
      const byKey = new Map<string, { i: number; partition: number }[]>();
      for (const m of seen) {
        const i = (JSON.parse(valueText(m.value)) as { i: number }).i;
        byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), { i, partition: m.partition }]);
      }
      expect(new Set(seen.map((m) => JSON.parse(valueText(m.value)).i)).size).toBe(n);
      for (const list of byKey.values()) {
        expect(list.map((x) => x.i)).toEqual([...list.map((x) => x.i)].sort((a, b) => a - b));
        expect(new Set(list.map((x) => x.partition)).size).toBe(1);
      }
      expect(new Set(seen.map((m) => m.partition)).size).toBeGreaterThan(1);
    });

    it('one publish far over the broker message size limit (8 MB, 20,000 records) arrives whole', async () => {
      const topic = uniqueName('t.big');
      await bus.ensureTopics([{ name: topic, partitions: 2, config: {} }]);
      const pad = 'x'.repeat(380);
      const n = 20_000;
      await bus.publish(
        topic,
        Array.from({ length: n }, (_, i) => ({ key: keyOf(i), value: JSON.stringify({ i, pad }) })),
      );
      const { consumer, seen } = await recordingConsumer(bus, uniqueName('g'), [topic]);
      await waitFor(`${n} messages`, () => seen.length >= n, 60_000);
      await consumer.stop();
      expect(new Set(seen.map((m) => JSON.parse(valueText(m.value)).i)).size).toBe(n);
    });

    it('delivers text, Buffer, Uint8Array and null values and null keys byte for byte', async () => {
      const topic = uniqueName('t.values');
      await bus.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
      const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
      const sent = [
        { key: 'text', value: '{"callsign":"DLH4AB","note":"é€𝄞"}' },
        { key: 'buffer', value: Buffer.from(bytes) },
        { key: 'view', value: new Uint8Array(bytes.buffer, 10, 200) },
        { key: 'tombstone', value: null },
        { key: null, value: 'no key' },
        { key: 'big', value: 'z'.repeat(10_000) },
      ];
      await bus.publish(topic, sent);
      const { consumer, seen } = await recordingConsumer(bus, uniqueName('g'), [topic]);
      await waitFor(`${sent.length} messages`, () => seen.length >= sent.length);
      await consumer.stop();
      expect(seen.map((m) => m.key)).toEqual(sent.map((r) => r.key));
      seen.forEach((m, i) => {
        const want = sent[i]!.value;
        if (want === null) expect(m.value).toBeNull();
        else expect(Buffer.from(valueText(m.value), 'utf8')).toEqual(Buffer.from(valueText(want), 'utf8'));
        if (want !== null && typeof want !== 'string') {
          const got = m.value as Uint8Array;
          expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength)).toEqual(
            Buffer.from(want.buffer, want.byteOffset, want.byteLength),
          );
        }
      });
    });

    it('replay round trip: every valid line arrives once on updates and state, per-key order kept', async () => {
      const updates = uniqueName('t.updates');
      const state = uniqueName('t.state');
      await bus.ensureTopics([
        { ...TOPIC_DEFAULTS.updates, name: updates },
        { ...TOPIC_DEFAULTS.state, name: state },
      ]);
      const lines: string[] = [];
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 400; i++) {
        const icao24 = (0xabc000 + (i % 20)).toString(16);
        lines.push(
          JSON.stringify({ v: 1, icao24, ts: t0 + i * 250, lat: 40, lon: -73, on_ground: false, n: i }),
        );
        if (i === 10) lines.push('{broken json');
        if (i === 20) lines.push(JSON.stringify({ v: 2, icao24, ts: t0, lat: 0, lon: 0, on_ground: false }));
        if (i === 30) lines.push('');
      }
      const dir = mkdtempSync(join(tmpdir(), 'replay-'));
      const file = join(dir, 'sample.jsonl.gz');
      writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
      const invalid: number[] = [];
      const publisher = createEnvelopePublisher({ bus, topics: { state, updates } });
      const wallStart = Date.now();
      const result = await replayFile({
        file,
        speed: 1000,
        loop: false,
        publisher,
        onInvalid: (lineNo) => invalid.push(lineNo),
      });
      expect(result).toMatchObject({ published: 400, invalid: 2, passes: 1 });
      expect(invalid).toEqual([12, 23]);

      const u = await recordingConsumer(bus, uniqueName('g'), [updates]);
      const st = await recordingConsumer(bus, uniqueName('g'), [state]);
      await waitFor('400 on updates', () => u.seen.length >= 400);
      await waitFor('400 on state (not compacted yet)', () => st.seen.length >= 400);
      await new Promise((r) => setTimeout(r, 200));
      await u.consumer.stop();
      await st.consumer.stop();
      const envs = u.seen.map((m) => ({
        key: m.key,
        env: JSON.parse(valueText(m.value)) as FlightEnvelope & { n: number },
      }));
      expect(envs.length).toBe(400);
      expect(new Set(envs.map((e) => e.env.n)).size).toBe(400);
      const byKey = new Map<string, number[]>();
      for (const { key, env } of envs) {
        expect(key).toBe(env.icao24);
        expect(env.source).toBe('replay');
        expect(env.ingest_ts).toBeGreaterThanOrEqual(wallStart);
        byKey.set(key!, [...(byKey.get(key!) ?? []), env.ts]);
      }
      for (const ts of byKey.values()) expect(ts).toEqual([...ts].sort((a, b) => a - b));
      // Shifted to now with the recorded spacing kept: the first fix is "now", the last 99.75 s later.
      const all = envs.map((e) => e.env.ts).sort((a, b) => a - b);
      expect(all[0]! - wallStart).toBeLessThan(5_000);
      expect(all[all.length - 1]! - all[0]!).toBe(399 * 250);
    });

    it('a consumer stopped after committing resumes at its committed offset: no gap, no reprocessing', async () => {
      const topic = uniqueName('t.resume');
      await bus.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
      await bus.publish(
        topic,
        Array.from({ length: 100 }, (_, i) => ({ key: 'abc123', value: String(i) })),
      );
      const group = uniqueName('g');
      // The first consumer sees everything but commits only up to offset 60 (the rest is the "crash tail").
      const first = await recordingConsumer(bus, group, [topic], { commit: false });
      await waitFor('100 messages', () => first.seen.length >= 100);
      await first.consumer.commit([{ topic, partition: 0, offset: 60 }]);
      await first.consumer.stop();
      expect((await bus.committed(group, topic))[0]?.offset).toBe(60);

      await bus.publish(topic, [{ key: 'abc123', value: '100' }]);
      const second = await recordingConsumer(bus, group, [topic]);
      await waitFor('the uncommitted tail and the new message', () => second.seen.length >= 41);
      await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
      await second.consumer.stop();
      expect(second.seen.map((m) => m.offset)).toEqual(Array.from({ length: 41 }, (_, i) => 60 + i));
      expect(second.seen.map((m) => valueText(m.value))).toEqual(
        Array.from({ length: 41 }, (_, i) => String(60 + i)),
      );
      expect((await bus.committed(group, topic))[0]?.offset).toBe(101);
    });

    it('two consumers in one group split the partitions and together process every message', async () => {
      const topic = uniqueName('t.split');
      await bus.ensureTopics([{ name: topic, partitions: 6, config: {} }]);
      const group = uniqueName('g');
      const revokedCommits: PartitionOffset[][] = [];
      const a = await recordingConsumer(bus, group, [topic], {
        hooks: {
          beforeRevoke: async (tps) => {
            revokedCommits.push(
              await bus
                .committed(group, topic)
                .then((c) => c.filter((x) => tps.some((t) => t.partition === x.partition))),
            );
          },
        },
      });
      await waitFor('a owns all 6', () => a.consumer.assignment().length === 6);
      await bus.publish(
        topic,
        Array.from({ length: 600 }, (_, i) => ({ key: keyOf(i), value: String(i) })),
      );
      await waitFor('a consumed the first 600', () => a.seen.length >= 600);
      const b = await recordingConsumer(bus, group, [topic]);
      await waitFor(
        'the split',
        () =>
          a.consumer.assignment().length + b.consumer.assignment().length === 6 &&
          b.consumer.assignment().length > 0 &&
          a.consumer.assignment().length > 0,
        60_000,
      );
      const pa = a.consumer.assignment().map((t) => t.partition);
      const pb = b.consumer.assignment().map((t) => t.partition);
      expect([...pa, ...pb].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(a.events.some((e) => e.startsWith('revoke:'))).toBe(true);
      expect(b.events.some((e) => e.startsWith('assign:'))).toBe(true);

      await bus.publish(
        topic,
        Array.from({ length: 600 }, (_, i) => ({ key: keyOf(i), value: String(600 + i) })),
      );
      const values = () => new Set([...a.seen, ...b.seen].map((m) => valueText(m.value)));
      await waitFor('all 1200 processed', () => values().size >= 1200, 60_000);
      // Every message of the second round went to the member owning its partition.
      for (const m of a.seen.filter((m) => Number(valueText(m.value)) >= 600))
        expect(pa).toContain(m.partition);
      for (const m of b.seen) expect(pb).toContain(m.partition);
      // Nothing committed was handed out again: only uncommitted tails may repeat, and every batch commits.
      const total = a.seen.length + b.seen.length;
      expect(total).toBeLessThanOrEqual(1200 + 600);
      expect(values().size).toBe(1200);
      await b.consumer.stop();
      await waitFor('a owns all 6 again', () => a.consumer.assignment().length === 6, 60_000);
      await a.consumer.stop();
      expect(revokedCommits.length).toBeGreaterThan(0);
    });

    it('answers watermarks, offsetsForTimes and seeks back (what a warm restart needs)', async () => {
      const topic = uniqueName('t.time');
      await bus.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
      const t0 = Date.now() - 100_000;
      await bus.publish(
        topic,
        Array.from({ length: 10 }, (_, i) => ({
          key: 'abc123',
          value: String(i),
          timestampMs: t0 + i * 1000,
        })),
      );
      expect((await bus.watermarks(topic))[0]).toMatchObject({ partition: 0, low: 0, high: 10 });
      expect((await bus.offsetsForTimes(topic, t0 + 4500))[0]?.offset).toBe(5);
      expect((await bus.offsetsForTimes(topic, t0 + 60_000))[0]?.offset).toBe(10);
      const group = uniqueName('g');
      expect((await bus.committed(group, topic))[0]?.offset).toBe(-1);

      const seen: number[] = [];
      let sought = false;
      const consumer = await bus.consume({
        groupId: group,
        topics: [topic],
        fromBeginning: true,
        onAssign: async (tps, consumer) => {
          // Seek to the first fix at or after t0+7s: no batch is handed out before onAssign resolves.
          const [o] = await bus.offsetsForTimes(topic, t0 + 7000);
          consumer.seek({ ...tps[0]!, offset: o!.offset });
          sought = true;
        },
        eachBatch: async (batch) => {
          for (const m of batch.messages) {
            if (batch.isStale()) return;
            seen.push(m.offset);
          }
        },
      });
      await waitFor('onAssign', () => sought);
      await waitFor('3 messages', () => seen.length >= 3);
      // Seek back while running: offsets 2.. arrive again.
      consumer.seek({ topic, partition: 0, offset: 2 });
      await waitFor('replay from 2', () => seen.length >= 11);
      await consumer.stop();
      expect(seen.slice(0, 3)).toEqual([7, 8, 9]);
      expect(seen.slice(3)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('pause stops delivery of a partition until resume', async () => {
      const topic = uniqueName('t.pause');
      await bus.ensureTopics([{ name: topic, partitions: 1, config: {} }]);
      const { consumer, seen } = await recordingConsumer(bus, uniqueName('g'), [topic]);
      await waitFor('assignment', () => consumer.assignment().length === 1);
      await bus.publish(topic, [{ key: 'abc123', value: 'a' }]);
      await waitFor('first message', () => seen.length === 1);
      consumer.pause();
      await bus.publish(topic, [{ key: 'abc123', value: 'b' }]);
      await new Promise((r) => setTimeout(r, 800));
      expect(seen.length).toBe(1);
      consumer.resume();
      await waitFor('second message after resume', () => seen.length === 2);
      await consumer.stop();
    });
  });
}
