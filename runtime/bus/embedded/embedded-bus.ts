import { setImmediate as yieldToIo } from 'node:timers/promises';
import type {
  Bus,
  BusConsumer,
  BusMessage,
  ConsumeOptions,
  MessageBatch,
  PartitionOffset,
  PublishRecord,
  TopicDescription,
  TopicPartition,
  TopicSpec,
  Watermarks,
} from '../bus.ts';
import { tpKey } from '../bus.ts';
import { partitionForKey } from '../partitioner.ts';
import { assignPartitions, minus } from './assignor.ts';
import { PartitionLog } from './partition-log.ts';

export interface EmbeddedBusOptions {
  /**
   * Records kept per partition (retention by count keeps memory bounded; a consumer further behind
   * than this loses the oldest, as with Kafka's retention). Compacted topics keep one per key.
   */
  maxRecordsPerPartition?: number;
  /** Partitions of a topic created implicitly by publish or consume (Kafka's auto-create). */
  defaultPartitions?: number;
  /** Most messages per batch handed to eachBatch unless the consumer asks otherwise. */
  maxBatchMessages?: number;
}

const DEFAULTS = {
  // Retention by count, like Kafka's by time: a partition keeps its last 500,000 records whether
  // consumed or not. A stored envelope costs ~480 B (entry object, key, value bytes; issue 16's
  // probe), so a full 6-partition flights.updates holds ~1.4 GB (not the ~100 MB once written
  // here). npm start's 10x replay (~90 envelopes/s) fills it after ~9 hours; 20,000 aircraft at
  // 1 Hz after ~150 s. Lower it (EmbeddedBusOptions) where memory matters more than how far a
  // consumer may fall behind.
  maxRecordsPerPartition: 500_000,
  defaultPartitions: 6,
  maxBatchMessages: 2_000, // large enough to amortise per-batch work, small enough for fair turns
};

/** A consumer with data keeps the thread this long before letting the event loop turn. */
const YIELD_EVERY_MS = 5;

class EmbeddedTopic {
  readonly logs: PartitionLog[];
  private waiters: Array<() => void> = [];
  private roundRobin = 0;

  constructor(
    readonly name: string,
    readonly partitions: number,
    readonly config: Record<string, string>,
    maxRecords: number,
  ) {
    const compact = (config['cleanup.policy'] ?? 'delete').split(',').includes('compact');
    this.logs = Array.from({ length: partitions }, () => new PartitionLog({ compact, maxRecords }));
  }

  append(records: PublishRecord[], nowMs: number): void {
    for (const r of records) {
      const p =
        r.key === null ? this.roundRobin++ % this.partitions : partitionForKey(r.key, this.partitions);
      this.logs[p]!.append(r.key, r.value, r.timestampMs ?? nowMs);
    }
    this.wake();
  }

  onAppend(fn: () => void): void {
    this.waiters.push(fn);
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}

/** Group membership and committed offsets; rebalances run one at a time. */
class EmbeddedGroup {
  readonly members: EmbeddedConsumer[] = [];
  readonly committed = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly bus: EmbeddedBus,
  ) {}

  join(c: EmbeddedConsumer): Promise<void> {
    return this.serial(async () => {
      this.members.push(c);
      await this.rebalance();
    });
  }

  leave(c: EmbeddedConsumer, graceful: boolean): Promise<void> {
    return this.serial(async () => {
      const i = this.members.indexOf(c);
      if (i < 0) return;
      this.members.splice(i, 1);
      try {
        await c.revoke(c.assignment(), graceful);
      } finally {
        await this.rebalance();
      }
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Cooperative: only partitions that change owner are revoked, then the new ones assigned. */
  private async rebalance(): Promise<void> {
    const names = [...new Set(this.members.flatMap((m) => m.topics))].sort();
    const topics = names.map((n) => ({ topic: n, partitions: this.bus.topic(n).partitions }));
    const target = assignPartitions(this.members.length, topics);
    const members = [...this.members];
    await Promise.all(members.map((m, i) => m.revoke(minus(m.assignment(), target[i]!), true)));
    await Promise.all(members.map((m, i) => m.assign(minus(target[i]!, m.assignment()))));
  }
}

interface OwnedPartition {
  tp: TopicPartition;
  position: number;
  paused: boolean;
  ready: boolean;
  /** Bumped by seek and revoke: a batch taken before the bump is stale. */
  epoch: number;
}

class EmbeddedConsumer implements BusConsumer {
  private readonly owned = new Map<string, OwnedPartition>();
  private running = true;
  private inFlight: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private cursor = 0;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };
  readonly done: Promise<void>;
  readonly topics: string[];
  private readonly maxBatch: number;

  constructor(
    private readonly bus: EmbeddedBus,
    private readonly group: EmbeddedGroup,
    private readonly options: ConsumeOptions,
    defaultMaxBatch: number,
  ) {
    this.topics = [...options.topics];
    this.maxBatch = options.maxBatchMessages ?? defaultMaxBatch;
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.done.catch(() => {}); // observed through `done` by the owner; never an unhandled rejection
  }

  get groupId() {
    return this.group.id;
  }

  assignment(): TopicPartition[] {
    return [...this.owned.values()].map((o) => o.tp);
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    for (const o of offsets) this.group.committed.set(tpKey(o.topic, o.partition), o.offset);
  }

  seek(position: PartitionOffset): void {
    const o = this.owned.get(tpKey(position.topic, position.partition));
    if (!o) throw new Error(`seek: ${position.topic}/${position.partition} is not assigned to this consumer`);
    o.position = position.offset;
    o.epoch++;
    this.wake();
  }

  pause(partitions?: TopicPartition[]): void {
    for (const o of this.select(partitions)) o.paused = true;
  }

  resume(partitions?: TopicPartition[]): void {
    for (const o of this.select(partitions)) o.paused = false;
    this.wake();
  }

  async stop(): Promise<void> {
    if (!this.running) return this.done.catch(() => {});
    this.running = false;
    this.wake();
    try {
      await this.group.leave(this, true);
    } finally {
      this.settle.resolve();
    }
  }

  /** Called by the group: stop handing these out, let the batch in flight finish, then the hooks. */
  async revoke(partitions: TopicPartition[], graceful: boolean): Promise<void> {
    if (partitions.length === 0) return;
    for (const tp of partitions) {
      const o = this.owned.get(tpKey(tp.topic, tp.partition));
      if (o) o.epoch++;
      this.owned.delete(tpKey(tp.topic, tp.partition));
    }
    if (!graceful) return;
    await this.inFlight;
    await this.options.beforeRevoke?.(partitions, this);
    await this.options.onRevoke?.(partitions, this);
  }

  async assign(partitions: TopicPartition[]): Promise<void> {
    if (partitions.length === 0 || !this.running) return;
    const added: OwnedPartition[] = [];
    for (const tp of partitions) {
      const log = this.bus.topic(tp.topic).logs[tp.partition]!;
      const committed = this.group.committed.get(tpKey(tp.topic, tp.partition));
      const start = this.options.fromBeginning === false ? log.highWatermark : log.lowWatermark;
      const o: OwnedPartition = { tp, position: committed ?? start, paused: false, ready: false, epoch: 0 };
      this.owned.set(tpKey(tp.topic, tp.partition), o);
      added.push(o);
    }
    await this.options.onAssign?.(partitions, this);
    for (const o of added) o.ready = true;
    this.wake();
  }

  async loop(): Promise<void> {
    let lastYieldMs = performance.now();
    try {
      while (this.running) {
        const next = this.pick();
        if (!next) {
          await this.idle();
          continue;
        }
        const { owned, entries, highWatermark } = next;
        const epoch = owned.epoch;
        const batch: MessageBatch = {
          topic: owned.tp.topic,
          partition: owned.tp.partition,
          messages: entries.map(
            (e): BusMessage => ({
              topic: owned.tp.topic,
              partition: owned.tp.partition,
              offset: e.offset,
              key: e.key,
              value: e.value,
              timestampMs: e.timestampMs,
            }),
          ),
          highWatermark,
          isStale: () => owned.epoch !== epoch || !this.running,
        };
        this.inFlight = this.options.eachBatch(batch, this);
        await this.inFlight;
        if (owned.epoch === epoch) owned.position = entries[entries.length - 1]!.offset + 1;
        // Let timers and I/O (sink flushes, HTTP, the producer) run every few ms, not after every
        // batch: a turn of the event loop per batch would let a fast producer outrun the consumer.
        if (performance.now() - lastYieldMs > YIELD_EVERY_MS) {
          await yieldToIo();
          lastYieldMs = performance.now();
        }
      }
    } catch (e) {
      this.running = false;
      this.inFlight = Promise.resolve();
      await this.group.leave(this, false).catch(() => {});
      this.settle.reject(e);
    }
  }

  /** The next ready, unpaused partition with records, round-robin so no partition starves. */
  private pick() {
    const list = [...this.owned.values()];
    for (let i = 0; i < list.length; i++) {
      const owned = list[(this.cursor + i) % list.length]!;
      if (!owned.ready || owned.paused) continue;
      const log = this.bus.topic(owned.tp.topic).logs[owned.tp.partition]!;
      if (owned.position >= log.highWatermark) continue;
      const entries = log.read(owned.position, this.maxBatch);
      if (entries.length === 0) {
        owned.position = log.highWatermark; // everything after it was compacted away
        continue;
      }
      this.cursor = (this.cursor + i + 1) % list.length;
      return { owned, entries, highWatermark: log.highWatermark };
    }
    return null;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      for (const t of this.topics) this.bus.topic(t).onAppend(() => this.wake());
    });
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private select(partitions?: TopicPartition[]): OwnedPartition[] {
    if (!partitions) return [...this.owned.values()];
    return partitions.flatMap((tp) => this.owned.get(tpKey(tp.topic, tp.partition)) ?? []);
  }
}

/** The in-process bus: Kafka's semantics (partitions by key, groups, explicit commits) in memory. */
export class EmbeddedBus implements Bus {
  readonly kind = 'embedded' as const;
  private readonly topics = new Map<string, EmbeddedTopic>();
  private readonly groups = new Map<string, EmbeddedGroup>();
  private readonly consumers = new Set<EmbeddedConsumer>();
  private readonly options: Required<EmbeddedBusOptions>;

  constructor(options: EmbeddedBusOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The topic, created with the default partitions and delete policy if it does not exist. */
  topic(name: string): EmbeddedTopic {
    let t = this.topics.get(name);
    if (!t) {
      t = new EmbeddedTopic(name, this.options.defaultPartitions, {}, this.options.maxRecordsPerPartition);
      this.topics.set(name, t);
    }
    return t;
  }

  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    const created: string[] = [];
    for (const s of specs) {
      if (this.topics.has(s.name)) continue;
      this.topics.set(
        s.name,
        new EmbeddedTopic(s.name, s.partitions, { ...s.config }, this.options.maxRecordsPerPartition),
      );
      created.push(s.name);
    }
    return created;
  }

  async describeTopic(name: string): Promise<TopicDescription | null> {
    const t = this.topics.get(name);
    return t ? { name, partitions: t.partitions, config: { ...t.config } } : null;
  }

  async publish(topic: string, records: PublishRecord[]): Promise<void> {
    this.topic(topic).append(records, Date.now());
    // Acknowledge on the next turn of the event loop, as a network ack would: a producer awaiting
    // each publish in a loop then cannot starve the consumers.
    await yieldToIo();
  }

  async consume(options: ConsumeOptions): Promise<BusConsumer> {
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new EmbeddedGroup(options.groupId, this);
      this.groups.set(options.groupId, group);
    }
    for (const t of options.topics) this.topic(t);
    const consumer = new EmbeddedConsumer(this, group, options, this.options.maxBatchMessages);
    this.consumers.add(consumer);
    consumer.done.then(
      () => this.consumers.delete(consumer),
      () => this.consumers.delete(consumer),
    );
    await group.join(consumer);
    void consumer.loop();
    return consumer;
  }

  async watermarks(topic: string): Promise<Watermarks[]> {
    return this.topic(topic).logs.map((l, partition) => ({
      partition,
      low: l.lowWatermark,
      high: l.highWatermark,
    }));
  }

  async offsetsForTimes(topic: string, timestampMs: number): Promise<PartitionOffset[]> {
    return this.topic(topic).logs.map((l, partition) => ({
      topic,
      partition,
      offset: l.offsetForTime(timestampMs),
    }));
  }

  async committed(groupId: string, topic: string): Promise<PartitionOffset[]> {
    const g = this.groups.get(groupId);
    return this.topic(topic).logs.map((_, partition) => ({
      topic,
      partition,
      offset: g?.committed.get(tpKey(topic, partition)) ?? -1,
    }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }
}
