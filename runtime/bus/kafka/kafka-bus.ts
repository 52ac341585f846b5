import type { Admin, Consumer, EachBatchPayload, Kafka, logCreator, Message, Producer } from 'kafkajs';
import type {
  Bus,
  BusConsumer,
  BusMessage,
  BusValue,
  ConsumeOptions,
  PartitionOffset,
  PublishRecord,
  TopicDescription,
  TopicPartition,
  TopicSpec,
  Watermarks,
} from '../bus.ts';
import { minus } from '../embedded/assignor.ts';
import { KeyPartitioner } from './kafka-partitioner.ts';
// kafkajs with its producer fast path installed (see kafkajs-fast-path.ts).
import { kafkajs, kafkajsFastPath } from './kafkajs-fast-path.ts';

const { Kafka: KafkaClient, logLevel, ConfigResourceTypes, CompressionTypes } = kafkajs;

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** kafkajs log level name; kafkajs is chatty at info (every group join). */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /** Consumer tuning; the defaults favour throughput (big fetches, short waits). */
  consumer?: {
    sessionTimeoutMs?: number;
    heartbeatIntervalMs?: number;
    maxBytes?: number;
    maxBytesPerPartition?: number;
    minBytes?: number;
    maxWaitTimeMs?: number;
  };
}

/** kafkajs retry for the client and consumers: backoff up to 5 s, about two minutes in all. */
const CLIENT_RETRY = { initialRetryTime: 100, maxRetryTime: 5_000, retries: 30 };

/** Most value bytes per produce request (see publish). */
const MAX_SEND_BYTES = 768 * 1024;
/** Per-record framing in a v2 record batch, roughly (varints, headers count, attributes). */
const RECORD_OVERHEAD_BYTES = 24;

const LOG_LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

const CONSUMER_DEFAULTS = {
  sessionTimeoutMs: 10_000, // a dead member's partitions move within 10 s
  heartbeatIntervalMs: 1_000, // how fast a live member notices a rebalance
  maxBytes: 50 * 1024 * 1024, // per fetch response, all partitions
  maxBytesPerPartition: 8 * 1024 * 1024, // ~40k envelopes: long batches amortise per-batch work
  minBytes: 1, // a fetch returns as soon as anything is there
  maxWaitTimeMs: 100, // an idle fetch returns after this; bounds latency at low rates
};

const valueBytes = (v: BusValue | null) => (v === null ? 0 : v.length);

/**
 * The kafkajs message for a record: the record itself when kafkajs can take it as it is (text or
 * Buffer value, no timestamp; kafkajs reads only key, value, timestamp, headers and partition), else
 * a new object (Uint8Array -> Buffer view, timestamp as kafkajs wants it). No `timestamp` key when
 * unset: kafkajs then uses the send time.
 */
function toMessage(r: PublishRecord): Message {
  const v = r.value;
  if (r.timestampMs === undefined && (v === null || typeof v === 'string' || Buffer.isBuffer(v))) {
    return r as Message;
  }
  const value = v === null || typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return r.timestampMs === undefined
    ? { key: r.key, value }
    : { key: r.key, value, timestamp: String(r.timestampMs) };
}

/**
 * kafkajs logs every heartbeat answered "rebalancing" as an ERROR, although a rebalance is routine
 * (a member joined or left) and handled here. Those are dropped; the rest go to stderr as JSON.
 */
const quietRebalanceLogs: logCreator =
  () =>
  ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    if (/rebalanc/i.test(`${message} ${String(extra.error ?? '')}`)) return;
    const name = ['NOTHING', 'ERROR', 'WARN', 'INFO', 'DEBUG'][level] ?? String(level);
    process.stderr.write(
      `${JSON.stringify({ level: name, logger: `kafkajs.${namespace}`, message, ...extra })}\n`,
    );
  };

let fastPathWarned = false;
/**
 * Once per process: kafkajs runs (correctly, ~3x slower per message) without parts of the fast path
 * when something loaded kafkajs before kafkajs-fast-path.ts (import kafkajs from there instead).
 */
function warnIfFastPathOff() {
  if (fastPathWarned || kafkajsFastPath.reason === 'patched') return;
  fastPathWarned = true;
  const { reason, ...parts } = kafkajsFastPath;
  const off = Object.keys(parts).filter((k) => !parts[k as keyof typeof parts]);
  process.stderr.write(
    `${JSON.stringify({ level: 'WARN', logger: 'kafka-bus', message: `kafkajs fast path off for ${off.join(', ')}: ${reason}` })}\n`,
  );
}

/** kafkajs errors that mean "the group is rebalancing" (kafkajs errors.js isRebalancing). */
const isRebalancing = (e: unknown) =>
  ['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION'].includes(
    (e as { type?: string })?.type ?? '',
  );

/**
 * A group member over kafkajs. kafkajs has no rebalance listener, so revocation is rebuilt from its
 * events: when a rebalance is noticed (our heartbeat after a batch throws, or the REBALANCING event)
 * every owned partition gets `beforeRevoke` (flush and commit) before the member rejoins; when the
 * join completes (GROUP_JOIN) the lost ones get `onRevoke`, the new ones `onAssign`, and batches
 * wait for that. Kafka's eager protocol revokes everything on a rebalance, hence "every owned".
 */
class KafkaConsumerHandle implements BusConsumer {
  private owned: TopicPartition[] = [];
  /** Batches wait for the hooks of the latest assignment. */
  private assignReady: Promise<void> = Promise.resolve();
  /** Set while a rebalance's beforeRevoke is running or done and the join has not completed yet. */
  private preparing: Promise<void> | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private stopping = false;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };
  readonly done: Promise<void>;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumeOptions,
    private readonly heartbeatEveryMs: number,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.done.catch(() => {});
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(REBALANCING, () => {
      void this.prepareRevoke();
    });
    consumer.on(GROUP_JOIN, (e) => {
      const assigned = Object.entries(e.payload.memberAssignment).flatMap(([topic, ps]) =>
        (ps as number[]).map((partition) => ({ topic, partition })),
      );
      const previous = this.owned;
      const before = this.preparing;
      this.owned = assigned;
      this.preparing = null;
      const lost = minus(previous, assigned);
      const gained = minus(assigned, previous);
      this.assignReady = (async () => {
        if (before) await before.catch(() => {});
        else if (lost.length > 0) await this.options.beforeRevoke?.(lost, this);
        if (lost.length > 0) await this.options.onRevoke?.(lost, this);
        if (gained.length > 0) await this.options.onAssign?.(gained, this);
      })();
      this.assignReady.catch((err) => this.fail(err));
    });
    consumer.on(CRASH, (e) => {
      if (!e.payload.restart) this.fail(e.payload.error);
    });
  }

  get groupId() {
    return this.options.groupId;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => {
        this.inFlight = this.handleBatch(payload);
        return this.inFlight;
      },
    });
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    await this.assignReady;
    const stale = () => !isRunning() || isStale() || this.stopping;
    if (batch.messages.length > 0 && !stale()) {
      const messages = toBusMessages(batch);
      // The handler may wait long (commits wait for the sinks: a database outage, a full commit
      // queue). Heartbeats go on meanwhile, or the group would evict this live member.
      let rebalancing = false;
      const beat = setInterval(() => {
        heartbeat().catch((e) => {
          if (isRebalancing(e)) rebalancing = true;
        });
      }, this.heartbeatEveryMs);
      try {
        await this.options.eachBatch(
          {
            topic: batch.topic,
            partition: batch.partition,
            messages,
            highWatermark: Number(batch.highWatermark),
            isStale: stale,
          },
          this,
        );
      } finally {
        clearInterval(beat);
      }
      if (rebalancing) await this.prepareRevoke();
      if (!stale()) resolveOffset(batch.lastOffset());
    }
    try {
      await heartbeat();
    } catch (e) {
      // Noticed here, the rebalance waits for our flush: kafkajs rejoins only after we rethrow.
      if (isRebalancing(e)) await this.prepareRevoke();
      throw e;
    }
  }

  private prepareRevoke(): Promise<void> {
    if (!this.preparing) {
      const owned = this.owned;
      this.preparing =
        owned.length > 0 && this.options.beforeRevoke
          ? this.options.beforeRevoke(owned, this)
          : Promise.resolve();
      this.preparing.catch((err) => this.fail(err));
    }
    return this.preparing;
  }

  assignment(): TopicPartition[] {
    return [...this.owned];
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
    );
  }

  seek(position: PartitionOffset): void {
    this.consumer.seek({
      topic: position.topic,
      partition: position.partition,
      offset: String(position.offset),
    });
  }

  pause(partitions?: TopicPartition[]): void {
    this.consumer.pause(byTopic(partitions ?? this.owned));
  }

  resume(partitions?: TopicPartition[]): void {
    this.consumer.resume(byTopic(partitions ?? this.owned));
  }

  /** Flush and commit (beforeRevoke), drop state (onRevoke), then leave: commits need a live member. */
  async stop(): Promise<void> {
    if (this.stopping) return this.done.catch(() => {});
    this.stopping = true;
    try {
      if (this.owned.length > 0) this.consumer.pause(byTopic(this.owned));
      await this.inFlight.catch(() => {});
      await this.assignReady.catch(() => {});
      const owned = this.owned;
      if (owned.length > 0) {
        await this.options.beforeRevoke?.(owned, this);
        await this.options.onRevoke?.(owned, this);
      }
      this.owned = [];
    } finally {
      await this.consumer.disconnect();
      this.settle.resolve();
    }
  }

  private fail(err: unknown): void {
    this.settle.reject(err);
    if (!this.stopping) {
      this.stopping = true;
      void this.consumer.disconnect().catch(() => {});
    }
  }
}

/**
 * kafkajs messages -> BusMessages: one object per message, the only copy on the consumer side.
 * Messages of one send share one timestamp string (the fast path's decoder), parsed once.
 */
function toBusMessages({ topic, partition, messages: src }: EachBatchPayload['batch']): BusMessage[] {
  const out = new Array<BusMessage>(src.length);
  let timestamp = '';
  let timestampMs = 0;
  for (let i = 0; i < src.length; i++) {
    const m = src[i]!;
    if (m.timestamp !== timestamp) {
      timestamp = m.timestamp;
      timestampMs = Number(timestamp);
    }
    out[i] = {
      topic,
      partition,
      offset: Number(m.offset),
      key: m.key === null ? null : m.key.toString(),
      value: m.value,
      timestampMs,
    };
  }
  return out;
}

function byTopic(partitions: TopicPartition[]) {
  const m = new Map<string, number[]>();
  for (const tp of partitions) m.set(tp.topic, [...(m.get(tp.topic) ?? []), tp.partition]);
  return [...m].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/** The Kafka bus: idempotent producer with acks=all, group consumers with explicit commits. */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private admin: Admin | null = null;
  private adminReady: Promise<Admin> | null = null;
  private readonly consumers = new Set<KafkaConsumerHandle>();

  constructor(private readonly options: KafkaBusOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaBus needs at least one broker (KAFKA_BROKERS)');
    warnIfFastPathOff();
    this.kafka = new KafkaClient({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
      logCreator: quietRebalanceLogs,
      // Rides out a broker restart: ~2 minutes of reconnect attempts before an operation fails.
      retry: CLIENT_RETRY,
    });
  }

  private getAdmin(): Promise<Admin> {
    this.adminReady ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
      return admin;
    })();
    return this.adminReady;
  }

  private getProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      // Idempotent: broker-side dedup of retried sends, so a retry never duplicates or reorders.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        createPartitioner: KeyPartitioner,
        // kafkajs: a bounded retry count would void the idempotence guarantee (a send fails only on a fatal error).
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })();
    return this.producerReady;
  }

  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return [];
    const created: string[] = [];
    for (const s of missing) {
      try {
        const ok = await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: s.name,
              numPartitions: s.partitions,
              configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
            },
          ],
        });
        if (ok) created.push(s.name);
      } catch (e) {
        const type = (e as { type?: string }).type;
        // Another process created it between listTopics and here: that is the goal anyway.
        if (type === 'TOPIC_ALREADY_EXISTS') continue;
        // A fresh KRaft broker can answer the leader wait before its metadata knows the new topic.
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw e;
        await this.untilTopicHasLeaders(admin, s.name);
        created.push(s.name);
      }
    }
    return created;
  }

  /** Polls the metadata until every partition of `topic` has a leader (30 s at most). */
  private async untilTopicHasLeaders(admin: Admin, topic: string): Promise<void> {
    const until = Date.now() + 30_000;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        const parts = meta.topics[0]?.partitions ?? [];
        if (parts.length > 0 && parts.every((p) => p.leader >= 0)) return;
      } catch (e) {
        if (Date.now() > until) throw e;
      }
      if (Date.now() > until) throw new Error(`topic ${topic}: no leaders after 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async describeTopic(name: string): Promise<TopicDescription | null> {
    const admin = await this.getAdmin();
    if (!(await admin.listTopics()).includes(name)) return null;
    const meta = await admin.fetchTopicMetadata({ topics: [name] });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name }],
    });
    const config: Record<string, string> = {};
    for (const e of configs.resources[0]?.configEntries ?? []) {
      if (!e.isDefault) config[e.configName] = e.configValue;
    }
    return { name, partitions: meta.topics[0]?.partitions.length ?? 0, config };
  }

  async publish(topic: string, records: PublishRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.getProducer();
    // One produce request carries at most MAX_SEND_BYTES of values, so no partition's record batch
    // can pass the broker's message.max.bytes (1 MiB by default) however many records come at once.
    // The sends go one after another, which keeps each key's order.
    let messages: Message[] = [];
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const size = valueBytes(r.value) + (r.key?.length ?? 0) + RECORD_OVERHEAD_BYTES;
      if (messages.length > 0 && bytes + size > MAX_SEND_BYTES) {
        await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
        messages = [];
        bytes = 0;
      }
      messages.push(toMessage(r));
      bytes += size;
    }
    await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
  }

  async consume(options: ConsumeOptions): Promise<BusConsumer> {
    const c = { ...CONSUMER_DEFAULTS, ...this.options.consumer };
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: c.sessionTimeoutMs,
      rebalanceTimeout: Math.max(c.sessionTimeoutMs, 30_000),
      heartbeatInterval: c.heartbeatIntervalMs,
      maxBytes: c.maxBytes,
      maxBytesPerPartition: c.maxBytesPerPartition,
      minBytes: c.minBytes,
      maxWaitTimeInMs: c.maxWaitTimeMs,
      retry: CLIENT_RETRY,
    });
    const handle = new KafkaConsumerHandle(consumer, options, c.heartbeatIntervalMs);
    this.consumers.add(handle);
    handle.done.then(
      () => this.consumers.delete(handle),
      () => this.consumers.delete(handle),
    );
    await handle.start();
    return handle;
  }

  async watermarks(topic: string): Promise<Watermarks[]> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async offsetsForTimes(topic: string, timestampMs: number): Promise<PartitionOffset[]> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
    return offsets
      .map((o) => ({ topic, partition: o.partition, offset: Number(o.offset) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async committed(groupId: string, topic: string): Promise<PartitionOffset[]> {
    const admin = await this.getAdmin();
    const r = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (r[0]?.partitions ?? [])
      .map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop().catch(() => {})));
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    this.producer = null;
    this.producerReady = null;
    this.admin = null;
    this.adminReady = null;
  }
}
