/**
 * The consumer side of the kafkajs 2.2.4 fast path: decoding fetched record batches and building
 * kafkajs's Batch, with the same results as kafkajs (fast-fetch-decoding.test.ts).
 *
 * - Record batch decoder (recordBatch/v0/decoder.js): kafkajs decodes every record through a new
 *   Decoder over a Buffer slice of the record, a Long object per varlong (built bit by bit), and two
 *   Long additions and toString calls for the offset and timestamp. Here the records of an
 *   uncompressed batch are read in one loop over the batch's bytes with plain-number varints; the
 *   record objects are the same (same fields, same values: offset and timestamp strings, key and
 *   value Buffers over the fetched bytes, `headers: {}`, the batch context shared by the batch's
 *   records). Compressed batches, records with headers and numbers beyond 2^53 go to kafkajs's code.
 * - Batch (consumer/batch.js): kafkajs builds a Long from every message's offset string to drop
 *   messages before the fetched offset; here they are compared as numbers (exact below 2^53, else
 *   through Long as before). Same fields and methods (the prototype is kafkajs's).
 */
import { type KafkaLong, kafkajsModule, Long } from './kafkajs-internals.ts';
import { unzigzag } from './varint.ts';

/** The subset of kafkajs's Decoder used here. */
export interface KafkaDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): bigint;
  readVarIntBytes(): Buffer | null;
  slice(size: number): KafkaDecoder;
  forward(size: number): void;
}

export interface KafkaRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  batchContext: RecordContext;
}

interface RecordContext {
  firstOffset: string;
  firstTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  maxTimestamp: string;
  timestampType: number;
  magicByte?: number;
}

export type RecordBatchDecoder = (
  fetchDecoder: KafkaDecoder,
) => Promise<RecordContext & { records: KafkaRecord[] }>;
type RecordDecoder = (decoder: KafkaDecoder, context: RecordContext) => KafkaRecord;

const Decoder = kafkajsModule<new (buffer: Buffer) => KafkaDecoder>('src/protocol/decoder.js');
const { KafkaJSPartialMessageError } = kafkajsModule<{
  KafkaJSPartialMessageError: new (message: string) => Error;
}>('src/errors.js');

const TIMESTAMP_TYPE_FLAG_MASK = 0x8;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;
const COMPRESSION_CODEC_MASK = 0x07;
const LOG_APPEND_TIME = 1;
const CREATE_TIME = 0;
/** Bytes from a batch's start to its attributes: first offset, length, leader epoch, magic, crc. */
const ATTRIBUTES_AT = 8 + 4 + 4 + 1 + 4;

/**
 * Replacement for kafkajs's record batch decoder. `original` and `recordDecoder` are kafkajs's
 * (recordBatch/v0/decoder.js and record/v0/decoder.js).
 */
export function fastRecordBatchDecoder(
  original: RecordBatchDecoder,
  recordDecoder: RecordDecoder,
): RecordBatchDecoder {
  return async (fetchDecoder) => {
    const start = fetchDecoder.offset;
    const whole = fetchDecoder.buffer;
    // Compressed: kafkajs's code (it decompresses, then decodes generically).
    if (whole.length < start + ATTRIBUTES_AT + 2) return original(fetchDecoder);
    if ((whole.readInt16BE(start + ATTRIBUTES_AT) & COMPRESSION_CODEC_MASK) !== 0)
      return original(fetchDecoder);

    // The header exactly as kafkajs reads it.
    const firstOffset = fetchDecoder.readInt64().toString();
    const length = fetchDecoder.readInt32();
    const decoder = fetchDecoder.slice(length);
    fetchDecoder.forward(length);
    const remainingBytes = decoder.buffer.length;
    if (remainingBytes < length) {
      throw new KafkaJSPartialMessageError(
        `Tried to decode a partial record batch: remainingBytes(${remainingBytes}) < recordBatchLength(${length})`,
      );
    }
    const partitionLeaderEpoch = decoder.readInt32();
    const magicByte = decoder.readInt8();
    decoder.readInt32(); // crc (kafkajs does not check it either)
    const attributes = decoder.readInt16();
    const lastOffsetDelta = decoder.readInt32();
    const firstTimestamp = decoder.readInt64().toString();
    const maxTimestamp = decoder.readInt64().toString();
    const producerId = decoder.readInt64().toString();
    const producerEpoch = decoder.readInt16();
    const firstSequence = decoder.readInt32();
    const recordContext: RecordContext = {
      firstOffset,
      firstTimestamp,
      partitionLeaderEpoch,
      inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) > 0,
      isControlBatch: (attributes & CONTROL_FLAG_MASK) > 0,
      lastOffsetDelta,
      producerId,
      producerEpoch,
      firstSequence,
      maxTimestamp,
      timestampType: (attributes & TIMESTAMP_TYPE_FLAG_MASK) > 0 ? LOG_APPEND_TIME : CREATE_TIME,
    };
    const context = { ...recordContext, magicByte };

    const count = decoder.readInt32();
    const records: KafkaRecord[] = count === -1 ? [] : new Array(count);
    const buf = decoder.buffer;
    const firstOffsetN = Number(firstOffset);
    const firstTimestampN = Number(firstTimestamp);
    const appendTime = context.timestampType === LOG_APPEND_TIME && !!maxTimestamp;
    const isControlRecord = context.isControlBatch;
    let at = decoder.offset;
    for (let r = 0; r < count; r++) {
      const recordStart = at;
      // Record length, as kafkajs's readVarInt (a 32-bit zigzag).
      let byte: number;
      let len = 0;
      let shift = 0;
      do {
        byte = buf[at++]!;
        len += (byte & 0x7f) << shift;
        shift += 7;
      } while (byte >= 128);
      len = (len >>> 1) ^ -(len & 1);
      const end = at + len;
      let record: KafkaRecord | undefined;
      if (len >= 0 && end <= buf.length) {
        record = readRecord(
          buf,
          at,
          end,
          firstOffsetN,
          firstTimestampN,
          appendTime,
          isControlRecord,
          context,
        );
      }
      if (!record) {
        // kafkajs's own decoder from this record's length prefix on.
        decoder.offset = recordStart;
        record = recordDecoder(new Decoder(decoder.readVarIntBytes()!), context);
        at = decoder.offset;
      } else {
        at = end;
      }
      records[r] = record;
    }
    decoder.offset = at;
    return { ...recordContext, records };
  };
}

/** Where readVarInt32 reads next (module state, so the small reader inlines without a tuple). */
let cursor = 0;

/** A zigzag 32-bit varint at `cursor` (kafkajs's readVarInt); moves the cursor past it. */
function readVarInt32(buf: Buffer): number {
  let v = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = buf[cursor++]!;
    v += (byte & 0x7f) << shift;
    shift += 7;
  } while (byte >= 128);
  return (v >>> 1) ^ -(v & 1);
}

let lastTimestamp = Number.NaN;
let lastTimestampText = '';

/**
 * One record of `buf[at, end)`, as kafkajs's record/v0 decoder returns it; undefined when kafkajs
 * must decode it (headers, out-of-range numbers, lengths past the record).
 */
function readRecord(
  buf: Buffer,
  at: number,
  end: number,
  firstOffset: number,
  firstTimestamp: number,
  appendTime: boolean,
  isControlRecord: boolean,
  context: RecordContext,
): KafkaRecord | undefined {
  const attributes = (buf[at++]! << 24) >> 24;
  // Timestamp delta: a zigzag varlong; up to 7 bytes (< 2^49) stays exact in a number.
  let u = 0;
  let scale = 1;
  let byte: number;
  let n = 0;
  do {
    if (n === 7) return undefined;
    byte = buf[at++]!;
    u += (byte & 0x7f) * scale;
    scale *= 128;
    n++;
  } while (byte >= 128);
  const timestampDelta = unzigzag(u);
  // Offset delta, key length, value length: kafkajs's 32-bit readVarInt.
  cursor = at;
  const offsetDelta = readVarInt32(buf);
  const keyLength = readVarInt32(buf);
  at = cursor;
  let key: Buffer | null = null;
  if (keyLength !== -1) {
    if (keyLength < 0 || at + keyLength > end) return undefined;
    key = Buffer.from(buf.buffer, buf.byteOffset + at, keyLength); // a view, like subarray (faster)
    at += keyLength;
  }
  cursor = at;
  const valueLength = readVarInt32(buf);
  at = cursor;
  let value: Buffer | null = null;
  if (valueLength !== -1) {
    if (valueLength < 0 || at + valueLength > end) return undefined;
    value = Buffer.from(buf.buffer, buf.byteOffset + at, valueLength); // a view, like subarray (faster)
    at += valueLength;
  }
  // Headers: none (0; kafkajs reads -1 as none too) or leave it to kafkajs.
  if (at >= end) return undefined;
  const headerCount = buf[at]!;
  if (headerCount !== 0 && headerCount !== 1) return undefined;

  const offsetN = firstOffset + offsetDelta;
  if (!Number.isSafeInteger(offsetN) || !Number.isSafeInteger(firstOffset)) return undefined;
  let timestamp: string;
  if (appendTime) timestamp = context.maxTimestamp;
  else {
    const ts = firstTimestamp + timestampDelta;
    if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(firstTimestamp)) return undefined;
    // Records of one send share their timestamp (kafkajs stamps the send time): one string for them.
    if (ts !== lastTimestamp) {
      lastTimestamp = ts;
      lastTimestampText = String(ts);
    }
    timestamp = lastTimestampText;
  }
  return {
    magicByte: context.magicByte!,
    attributes,
    timestamp,
    offset: String(offsetN),
    key,
    value,
    headers: {},
    isControlRecord,
    batchContext: context,
  };
}

export interface BatchFields {
  fetchedOffset: string;
  topic: string;
  partition: number;
  highWatermark: string;
  rawMessages: { offset: string; isControlRecord?: boolean }[];
  messagesWithinOffset: { offset: string; isControlRecord?: boolean }[];
  messages: { offset: string; isControlRecord?: boolean }[];
}

type FilterAborted = (args: { messages: unknown[]; abortedTransactions: unknown }) => BatchFields['messages'];

/** Messages at or after `fetchedOffset`, compared as numbers where exact (kafkajs: Long per message). */
export function withinOffset<M extends { offset: string }>(messages: M[], fetchedOffset: string): M[] {
  const fetched = Number(fetchedOffset);
  let fetchedLong: KafkaLong | undefined;
  const out: M[] = [];
  for (const m of messages) {
    const o = typeof m.offset === 'string' && m.offset.length > 0 ? Number(m.offset) : Number.NaN;
    let keep: boolean;
    if (Number.isSafeInteger(o) && Number.isSafeInteger(fetched)) keep = o >= fetched;
    else {
      fetchedLong ??= Long.fromValue(fetchedOffset);
      keep = (Long.fromValue(m.offset) as KafkaLong & { gte(o: KafkaLong): boolean }).gte(fetchedLong);
    }
    if (keep) out.push(m);
  }
  return out;
}

/**
 * kafkajs's Batch with the offset filter above: a constructor over kafkajs's own prototype (its
 * methods, `instanceof` still true).
 */
export function fastBatchClass(OriginalBatch: { prototype: object }, filterAbortedMessages: FilterAborted) {
  function Batch(
    this: BatchFields,
    topic: string,
    fetchedOffset: string,
    partitionData: {
      partition: number;
      highWatermark: string;
      abortedTransactions: unknown;
      messages: BatchFields['rawMessages'];
    },
  ) {
    this.fetchedOffset = fetchedOffset;
    const { abortedTransactions, messages } = partitionData;
    this.topic = topic;
    this.partition = partitionData.partition;
    this.highWatermark = partitionData.highWatermark;
    this.rawMessages = messages;
    this.messagesWithinOffset = withinOffset(messages, fetchedOffset);
    this.messages = filterAbortedMessages({
      messages: this.messagesWithinOffset,
      abortedTransactions,
    }).filter((message) => !message.isControlRecord);
  }
  Batch.prototype = OriginalBatch.prototype;
  return Batch;
}
