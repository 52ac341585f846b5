import type {
  Bus,
  BusConsumer,
  MessageBatch,
  PartitionOffset,
  TopicPartition,
  Watermarks,
} from '../bus/bus.ts';
import { tpKey } from '../bus/bus.ts';
import { liveClockViolation } from '../contract/bounds.ts';
import { dlqRecord } from '../contract/dlq.ts';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { parseEnvelope } from '../contract/validate.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { CommitQueue } from './commit-queue.ts';
import { publishDeadLetters } from './dead-letters.ts';

/**
 * How often bus_lag is refreshed from the partitions' high watermarks. Batches update it too, but
 * none arrive while consumption is paused or a batch waits on the sinks (a database outage), and
 * that is when an operator watches it grow.
 */
const LAG_REFRESH_MS = 1_000;

/** Where a dispatched envelope came from. `replay`: warm-up history, rebuild state but emit nothing. */
export interface DispatchMeta {
  topic: string;
  partition: number;
  offset: number;
  replay: boolean;
}

/** What the pipeline feeds: the actor router. */
export interface EnvelopeHandler {
  /**
   * `meta` is read during the call only: the pipeline rewrites one object per batch rather than
   * make one per envelope (copy it to keep it).
   */
  dispatch(envelope: FlightEnvelope, meta: DispatchMeta): void;
  /** Resolves once everything dispatched before the call has been processed. */
  drain(): Promise<void>;
  /**
   * Whether the bus holds more of an updates partition than was dispatched: told for each
   * partition when it is assigned (before its first batch) and after each of its batches.
   */
  backlog?(partition: number, backlog: boolean): void;
}

export interface IngestPipelineOptions {
  bus: Bus;
  metrics: Metrics;
  groupId: string;
  /** The updates topic consumed and the dead-letter topic. */
  topics: { updates: string; dlq: string };
  handler: EnvelopeHandler;
  /**
   * Resolve once everything handed on before the call is durable, e.g.
   * `[() => historySink.durable(), () => anomalySink.durable()]`. Offsets wait for them.
   */
  durable?: Array<() => Promise<void>>;
  /** True when downstream is over its limit (HistorySink.write returned false): consumption pauses... */
  saturated?: () => boolean;
  /** ...until this resolves (HistorySink.drained). */
  drained?: () => Promise<void>;
  /** These partitions are gone (their work is committed): stop their actors. */
  onRevoke?: (partitions: TopicPartition[]) => Promise<void> | void;
  /** These partitions are now ours (after any warm-up seek). */
  onAssign?: (partitions: TopicPartition[]) => Promise<void> | void;
  /**
   * Warm restart: on assignment, replay this far back before the committed offset with
   * `replay: true` (actors rebuild state without emitting), then carry on live. 0 disables it.
   */
  warmupMs?: number;
  /**
   * Batches whose commit may be outstanding before consumption waits (default 512). Each waits
   * for the sinks' next flush (SINK_FLUSH_MS), so this must cover a flush interval's batches: one
   * consumer of 6 partitions takes ~60 small batches a second at live rates, and a bound of 16 made
   * it stall on every flush (deliveries in 500 ms bursts). Memory is bounded by the sinks (their
   * buffer full pauses consumption), not by this; an entry is only offsets and a promise.
   */
  maxPendingCommits?: number;
  now?: () => number;
}

export interface IngestPipeline {
  readonly consumer: BusConsumer;
  /** Settles when the pipeline stops: rejects on a fatal error (a durability barrier failed). */
  readonly done: Promise<void>;
  /** Drains, commits, revokes and leaves the group. */
  stop(): Promise<void>;
  stats(): { valid: number; invalid: number; skippedRedelivered: number; replayed: number; paused: boolean };
}

interface PartitionState {
  /** Next offset not yet dispatched: earlier ones redelivered (kafkajs after a rebalance) are skipped. */
  next: number;
  /** Offsets below this are warm-up replay. */
  liveFrom: number;
  /** Where consumption starts (set at assignment): the position of a partition before its first batch. */
  startAt: number;
  /** What the handler was last told of this partition's backlog (updates only; null: nothing yet). */
  told: boolean | null;
}

/**
 * Consumes flights.updates as a member of a group: parse + validate each message (a live fix also
 * against the wall clock: contract/bounds.ts); invalid ones are counted and dead-lettered, valid ones dispatched; a batch's offsets are committed once the handler
 * drained and the sinks are durable (pipelined: the next batches are consumed meanwhile).
 */
export async function startIngestPipeline(options: IngestPipelineOptions): Promise<IngestPipeline> {
  const { bus, metrics, handler, topics } = options;
  const now = options.now ?? Date.now;
  const state = new Map<string, PartitionState>();
  const counts = { valid: 0, invalid: 0, skippedRedelivered: 0, replayed: 0 };
  let paused = false;
  let queue: CommitQueue | null = null;
  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  done.catch(() => {});

  // durable() covers what was handed on before the call: ask only once the handler has drained,
  // or the barrier would not cover the rows this batch's own processing writes.
  const barrier = (dlq: Promise<void> | null) =>
    Promise.all([handler.drain().then(() => Promise.all((options.durable ?? []).map((d) => d()))), dlq]);

  const commitQueue = (consumer: BusConsumer) => {
    queue ??= new CommitQueue((offsets) => consumer.commit(offsets), options.maxPendingCommits ?? 512);
    return queue;
  };

  async function eachBatch(batch: MessageBatch, consumer: BusConsumer): Promise<void> {
    const { topic, partition } = batch;
    const key = tpKey(topic, partition);
    const meta: DispatchMeta = { topic, partition, offset: 0, replay: false }; // rewritten per envelope
    let st = state.get(key);
    if (!st) {
      st = { next: 0, liveFrom: 0, startAt: 0, told: null };
      state.set(key, st);
    }
    // Another partition thought empty at assignment may have received messages since, which this
    // batch, fetched with them, runs ahead of: ask the bus before dispatching (see refreshLag).
    if (topic === topics.updates && unheardIdle(partition)) await refreshLag(consumer);
    const dead: string[] = [];
    const nowMs = now(); // a live fix may not be ahead of it by more than the contract's skew
    let last = -1;
    for (const m of batch.messages) {
      if (batch.isStale()) break;
      last = m.offset;
      if (m.offset < st.next) {
        counts.skippedRedelivered++;
        continue;
      }
      st.next = m.offset + 1;
      const parsed =
        m.value === null ? ({ ok: false, reason: 'tombstone' } as const) : parseEnvelope(m.value);
      const reason = parsed.ok ? liveClockViolation(parsed.value, nowMs) : parsed.reason;
      if (!parsed.ok || reason !== null) {
        counts.invalid++;
        metrics.updates.inc({ result: 'invalid' });
        dead.push(JSON.stringify(dlqRecord(topic, partition, String(m.offset), reason!, m.value)));
        continue;
      }
      const replay = m.offset < st.liveFrom;
      if (replay) counts.replayed++;
      else counts.valid++;
      meta.offset = m.offset;
      meta.replay = replay;
      handler.dispatch(parsed.value, meta);
    }
    if (last < 0) return;
    const lag = Math.max(0, batch.highWatermark - (last + 1));
    metrics.busLag.set({ topic, partition: String(partition) }, lag);
    if (topic === topics.updates) tellBacklog(partition, st, lag > 0);
    const dlq = dead.length > 0 ? publishDeadLetters(bus, topics.dlq, dead) : null;
    const offsets: PartitionOffset[] = [{ topic, partition, offset: last + 1 }];
    if (options.saturated?.() && !paused) pauseUntilDrained(consumer);
    await commitQueue(consumer).push(offsets, barrier(dlq));
  }

  function pauseUntilDrained(consumer: BusConsumer) {
    paused = true;
    consumer.pause();
    const drained = options.drained?.() ?? handler.drain();
    drained.then(
      () => {
        paused = false;
        consumer.resume();
      },
      (e) => fail(consumer, e),
    );
  }

  function tellBacklog(partition: number, st: PartitionState, backlog: boolean): void {
    st.told = backlog;
    handler.backlog?.(partition, backlog);
  }

  /**
   * Some owned updates partition other than `except` has delivered nothing yet and was told it has
   * no backlog (it was empty at assignment). Messages may have reached it since; a batch of another
   * partition fetched together with them must not be dispatched as if that partition had nothing
   * (the actors would decide silences without its reports: a fast replay into a processor started
   * on an empty topic lost a signal_lost that way). While this holds, each batch first asks the
   * bus (one watermarks request); once every partition has delivered, or was told it has a
   * backlog, no batch does.
   */
  function unheardIdle(except: number): boolean {
    const exceptKey = tpKey(topics.updates, except);
    for (const [key, st] of state) {
      if (st.next === 0 && st.told === false && key !== exceptKey) return true; // only updates is consumed
    }
    return false;
  }

  /** bus_lag of every owned partition: messages appended and not yet dispatched. */
  async function refreshLag(consumer: BusConsumer): Promise<void> {
    const owned = consumer.assignment().filter((tp) => tp.topic === topics.updates);
    if (owned.length === 0) return;
    const marks = await bus.watermarks(topics.updates);
    for (const { partition } of owned) {
      const high = marks.find((w) => w.partition === partition)?.high;
      const st = state.get(tpKey(topics.updates, partition));
      if (high === undefined || st === undefined) continue;
      // Before its first batch a partition is where consumption starts.
      const lag = Math.max(0, high - (st.next === 0 ? st.startAt : st.next));
      metrics.busLag.set({ topic: topics.updates, partition: String(partition) }, lag);
      // An idle partition that has messages again is waited for until they are dispatched.
      if (lag > 0) tellBacklog(partition, st, true);
    }
  }

  async function onAssign(partitions: TopicPartition[], consumer: BusConsumer) {
    const warmupMs = options.warmupMs ?? 0;
    const byTopic = new Map<
      string,
      { committed: PartitionOffset[]; fromTime: PartitionOffset[] | null; marks: Watermarks[] }
    >();
    for (const tp of partitions) {
      const st: PartitionState = { next: 0, liveFrom: 0, startAt: 0, told: null };
      state.set(tpKey(tp.topic, tp.partition), st);
      let t = byTopic.get(tp.topic);
      if (!t) {
        t = {
          committed: await bus.committed(options.groupId, tp.topic),
          fromTime: warmupMs > 0 ? await bus.offsetsForTimes(tp.topic, now() - warmupMs) : null,
          marks: await bus.watermarks(tp.topic),
        };
        byTopic.set(tp.topic, t);
      }
      const committed = t.committed.find((o) => o.partition === tp.partition)?.offset ?? -1;
      const marks = t.marks.find((w) => w.partition === tp.partition);
      // Consumption starts at the committed offset, or the first stored one (from the beginning).
      let startAt = committed >= 0 ? committed : (marks?.low ?? 0);
      if (t.fromTime !== null) {
        const from = t.fromTime.find((o) => o.partition === tp.partition)?.offset ?? committed;
        if (committed > 0 && from < committed) {
          st.liveFrom = committed;
          consumer.seek({ ...tp, offset: from });
          startAt = from;
        }
      }
      st.startAt = startAt;
      // Told before its first batch, so the actors wait for a partition that has not delivered yet.
      if (tp.topic === topics.updates) tellBacklog(tp.partition, st, (marks?.high ?? 0) > startAt);
    }
    await options.onAssign?.(partitions);
  }

  async function beforeRevoke() {
    // Everything dispatched is behind a queued commit: waiting for the queue is "drain, commit".
    await queue?.settled();
  }

  async function onRevoke(partitions: TopicPartition[]) {
    for (const tp of partitions) {
      state.delete(tpKey(tp.topic, tp.partition));
      metrics.busLag.remove({ topic: tp.topic, partition: String(tp.partition) });
    }
    await options.onRevoke?.(partitions);
  }

  function fail(consumer: BusConsumer, e: unknown) {
    settle.reject(e);
    void consumer.stop().catch(() => {});
  }

  const consumer = await bus.consume({
    groupId: options.groupId,
    topics: [topics.updates],
    fromBeginning: true,
    eachBatch: async (batch, c) => {
      try {
        await eachBatch(batch, c);
      } catch (e) {
        fail(c, e);
      }
    },
    beforeRevoke: async () => beforeRevoke(),
    onRevoke: async (tps) => onRevoke(tps),
    onAssign: async (tps, c) => onAssign(tps, c),
  });
  consumer.done.then(
    () => settle.resolve(),
    (e) => settle.reject(e),
  );
  const lagTimer = setInterval(() => void refreshLag(consumer).catch(() => {}), LAG_REFRESH_MS);
  lagTimer.unref();
  done.then(
    () => clearInterval(lagTimer),
    () => clearInterval(lagTimer),
  );

  return {
    consumer,
    done,
    async stop() {
      await consumer.stop();
      await done;
    },
    stats: () => ({ ...counts, paused }),
  };
}
