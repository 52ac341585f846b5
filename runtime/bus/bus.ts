/**
 * The one small Bus interface SkySentinel talks to: publish keyed messages, consume as a member of a
 * group, commit offsets explicitly. Two implementations: embedded (in-process, the default when
 * KAFKA_BROKERS is empty) and Kafka (kafkajs). Both pass the same behavioural suite
 * (bus-contract.ts). Offsets are numbers: a partition would need 2^53 messages to overflow them.
 */

/** A message value as published: text (JSON) or bytes. `null` is a tombstone (compacted topics). */
export type BusValue = string | Uint8Array;

export interface PublishRecord {
  key: string | null;
  value: BusValue | null;
  /** Defaults to the publish time. */
  timestampMs?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** An offset in a partition. For commits and seeks it is the NEXT offset to read. */
export interface PartitionOffset extends TopicPartition {
  offset: number;
}

export interface BusMessage extends TopicPartition {
  offset: number;
  key: string | null;
  value: BusValue | null;
  timestampMs: number;
}

export interface MessageBatch extends TopicPartition {
  /** In offset order; never empty. */
  messages: BusMessage[];
  /** The offset the next appended message will get; lag after this batch = highWatermark - (last + 1). */
  highWatermark: number;
  /** True once a seek or a revoke made the rest of this batch obsolete: stop processing it. */
  isStale(): boolean;
}

export interface Watermarks {
  partition: number;
  /** First offset still stored. */
  low: number;
  /** Offset of the next message to be appended. */
  high: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Kafka topic configs, e.g. {'cleanup.policy': 'compact'} or {'retention.ms': '86400000'}. */
  config: Record<string, string>;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/** Every callback also gets the consumer, since some run before `consume()` has returned it. */
export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Where a partition without a committed offset starts: earliest (default) or latest. */
  fromBeginning?: boolean;
  /** Most messages per batch handed to eachBatch (embedded; Kafka batches by bytes). */
  maxBatchMessages?: number;
  /**
   * Called with one partition's batch at a time; the next batch of the same partition comes only
   * after it resolves. Throwing stops this consumer (the error reaches `done`).
   */
  eachBatch(batch: MessageBatch, consumer: BusConsumer): Promise<void>;
  /**
   * These partitions may move to another member: finish what was dispatched and commit it now.
   * Kafka calls it for every owned partition when a rebalance starts (eager protocol), so it can be
   * called for partitions that are kept; `onRevoke` tells which really went away.
   */
  beforeRevoke?(partitions: TopicPartition[], consumer: BusConsumer): Promise<void>;
  /** These partitions are gone: drop their state. No batch of them arrives after this. */
  onRevoke?(partitions: TopicPartition[], consumer: BusConsumer): Promise<void>;
  /** These partitions are now ours; no batch of them is handed out before this resolves (so it may seek). */
  onAssign?(partitions: TopicPartition[], consumer: BusConsumer): Promise<void>;
}

export interface BusConsumer {
  readonly groupId: string;
  /** Partitions currently owned. */
  assignment(): TopicPartition[];
  /** Commits `offset` (the next offset to read) for each partition. Resolves once stored. */
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** The next batch of this partition starts at `offset`; a batch in flight becomes stale. */
  seek(position: PartitionOffset): void;
  /** Stops fetching these partitions (all owned ones when omitted) until resume. */
  pause(partitions?: TopicPartition[]): void;
  resume(partitions?: TopicPartition[]): void;
  /** Leaves the group (its partitions go to the others) after the batch in flight. */
  stop(): Promise<void>;
  /** Settles when the consumer stops: resolves on stop(), rejects when eachBatch threw. */
  readonly done: Promise<void>;
}

export interface Bus {
  readonly kind: 'embedded' | 'kafka';
  /** Creates missing topics with their configs; returns the names it created (idempotent). */
  ensureTopics(specs: TopicSpec[]): Promise<string[]>;
  /** Partition count and the explicitly set configs read back; null when the topic does not exist. */
  describeTopic(name: string): Promise<TopicDescription | null>;
  /** Appends to the key's partition (same key, same partition, in order). Resolves once acknowledged. */
  publish(topic: string, records: PublishRecord[]): Promise<void>;
  /** Joins `groupId` and starts handing batches to `eachBatch`. */
  consume(options: ConsumeOptions): Promise<BusConsumer>;
  watermarks(topic: string): Promise<Watermarks[]>;
  /** Per partition, the first offset whose timestamp is >= timestampMs (the high watermark if none). */
  offsetsForTimes(topic: string, timestampMs: number): Promise<PartitionOffset[]>;
  /** The group's committed offsets (next to read) per partition; -1 where nothing is committed. */
  committed(groupId: string, topic: string): Promise<PartitionOffset[]>;
  close(): Promise<void>;
}

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Text of a message value (JSON messages are UTF-8). */
export function valueText(value: BusValue | null): string {
  if (value === null) return '';
  return typeof value === 'string'
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
}
