/**
 * kafkajs 2.2.4's Produce request v3 (also used by v4-v7) written in one pass into one buffer.
 *
 * kafkajs builds it from nested Encoders: a spread copy of every message, an Encoder per record
 * (a zeroed 512-byte buffer, a Buffer per varint), the record batch copied into an Encoder that grows
 * by doubling (zeroed, copied each time), then into the batch, the partition, the topic and the
 * request Encoder (five more copies), and a byte-at-a-time CRC-32C. Here every record is written
 * once at its final place, strings straight from UTF-16 into the buffer (`buf.write`, guessing the
 * length prefix from the string length and moving the bytes in the rare case it was wrong), and
 * the CRC is slicing-by-8 (crc32c.ts). The bytes are identical to kafkajs's
 * (fast-produce-request.test.ts); compressed requests and records with headers go to kafkajs's own
 * code.
 */
import { crc32c } from './crc32c.ts';
import { FRAME_HEADROOM, withHeadroom } from './fast-request-frame.ts';
import { encoderOver, type KafkaEncoder, Long } from './kafkajs-internals.ts';
import { sizeOfUVarint, writeUVarint, zigzag } from './varint.ts';

export type RecordValue = Buffer | string | null | undefined;

export interface ProduceMessage {
  key?: RecordValue;
  value?: RecordValue;
  timestamp?: string | number | null;
  headers?: Record<string, unknown>;
}

export interface ProducePartition {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}

export interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: ProducePartition[] }[];
}

export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse(): boolean;
  encode(): Promise<KafkaEncoder>;
}

/** kafkajs's record/v0 encoder (used for records with headers). */
export type RecordEncoder = (args: {
  offsetDelta: number;
  timestampDelta: number;
  key?: RecordValue;
  value?: RecordValue;
  headers?: Record<string, unknown>;
}) => { buffer: Buffer };

const PRODUCE_API_KEY = 0;
const COMPRESSION_NONE = 0;
const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;
/** Per record beyond its key and value: length, attributes, timestamp and offset deltas, two length prefixes, headers count. */
const RECORD_FRAMING_MAX = 5 + 1 + 10 + 5 + 5 + 5 + 1;
/** Partition index, record set size, batch header up to the first record. */
const BATCH_HEADER = 4 + 4 + 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

/** Grown as needed and reused: each request is written synchronously, then copied out. */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

function ensure(used: number, more: number): Buffer {
  if (used + more > scratch.length) {
    const next = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, used + more));
    scratch.copy(next, 0, 0, used);
    scratch = next;
  }
  return scratch;
}

/** Upper bound of the bytes kafkajs's writeVarIntBytes writes for `v` (UTF-8 is at most 3 bytes per UTF-16 unit). */
const maxBytes = (v: unknown) =>
  v == null ? 0 : typeof v === 'string' ? v.length * 3 : Buffer.isBuffer(v) ? v.length : String(v).length * 3;

/** kafkajs writeVarIntBytes: null -> -1; Buffers raw; anything else as the UTF-8 of String(v). */
function writeVarBytes(buf: Buffer, at: number, v: unknown): number {
  if (v == null) {
    buf[at] = 1; // zigzag(-1)
    return at + 1;
  }
  if (Buffer.isBuffer(v)) {
    at = writeUVarint(buf, at, v.length * 2);
    v.copy(buf, at);
    return at + v.length;
  }
  const s = typeof v === 'string' ? v : String(v);
  const guess = sizeOfUVarint(s.length * 2); // exact for ASCII
  const n = buf.write(s, at + guess); // UTF-8; the room is ensured, so all of it
  const size = sizeOfUVarint(n * 2);
  if (size !== guess) buf.copyWithin(at + size, at + guess, at + guess + n);
  writeUVarint(buf, at, n * 2);
  return at + size + n;
}

function writeInt64(buf: Buffer, at: number, v: unknown): number {
  const l = Long.fromValue(v);
  buf.writeInt32BE(l.getHighBits(), at);
  buf.writeInt32BE(l.getLowBits(), at + 4);
  return at + 8;
}

/** One record (kafkajs record/v0 without headers) at `at`; returns the offset after it. */
function writeRecord(
  buf: Buffer,
  at: number,
  offsetDelta: number,
  tsDelta: number,
  m: ProduceMessage,
): number {
  // Body first, after a length prefix guessed at 2 bytes (bodies of 64..8191 bytes); moved if wrong.
  const start = at + 2;
  let p = start;
  buf[p++] = 0; // attributes
  p = writeUVarint(buf, p, zigzag(tsDelta));
  p = writeUVarint(buf, p, offsetDelta * 2);
  p = writeVarBytes(buf, p, m.key);
  p = writeVarBytes(buf, p, m.value);
  buf[p++] = 0; // no headers
  const body = p - start;
  const size = sizeOfUVarint(body * 2);
  if (size !== 2) buf.copyWithin(at + size, start, p);
  writeUVarint(buf, at, body * 2);
  return at + size + body;
}

const hasHeaders = (m: ProduceMessage) => m.headers != null && Object.keys(m.headers).length > 0;

/**
 * One partition's entry (partition, record set size, record batch) at `at`, exactly as kafkajs's
 * produce v3 partitionsEncoder + RecordBatch write it; returns the offset after it.
 */
function writePartition(
  at: number,
  data: ProducePartition,
  transactional: boolean,
  producerId: unknown,
  producerEpoch: number,
  encodeRecord: RecordEncoder,
): number {
  const { messages } = data;
  // kafkajs: one Date.now() per partition; timestamps sorted as the array sort does (as strings).
  const dateNow = Date.now();
  let firstTimestamp: string | number = dateNow;
  let maxTimestamp: string | number = dateNow;
  let anyTimestamp = false;
  for (let i = 0; i < messages.length && !anyTimestamp; i++) anyTimestamp = messages[i]!.timestamp != null;
  if (anyTimestamp) {
    const ts = messages
      .map((m) => m.timestamp)
      .filter((t) => t != null)
      .sort() as (string | number)[];
    firstTimestamp = ts[0]!;
    maxTimestamp = ts[ts.length - 1]!;
  }

  // Room for everything: records with headers are encoded by kafkajs now, the others bounded.
  let bound = BATCH_HEADER;
  let viaKafkajs: (Buffer | undefined)[] | undefined;
  const tsDeltas: number[] | undefined = anyTimestamp ? new Array(messages.length) : undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    // As kafkajs: (message.timestamp || dateNow) - firstTimestamp, then a varlong of that.
    const tsDelta = anyTimestamp ? ((m.timestamp || dateNow) as number) - (firstTimestamp as number) : 0;
    if (tsDeltas) tsDeltas[i] = tsDelta;
    if (hasHeaders(m) || !Number.isSafeInteger(tsDelta)) {
      viaKafkajs ??= new Array(messages.length);
      const encoded = encodeRecord({ ...m, offsetDelta: i, timestampDelta: tsDelta }).buffer;
      viaKafkajs[i] = encoded;
      bound += encoded.length;
    } else {
      bound += RECORD_FRAMING_MAX + maxBytes(m.key) + maxBytes(m.value);
    }
  }
  const buf = ensure(at, bound);

  const head = at;
  buf.writeInt32BE(data.partition, head);
  // head + 4: record set size, head + 8: firstOffset (0), head + 16: batch length (filled below)
  buf.writeInt32BE(0, head + 8);
  buf.writeInt32BE(0, head + 12);
  buf.writeInt32BE(0, head + 20); // partition leader epoch
  buf[head + 24] = MAGIC_BYTE;
  const crcAt = head + 25;
  const bodyAt = head + 29;
  let p = bodyAt;
  buf.writeInt16BE(transactional ? TRANSACTIONAL_MASK : 0, p); // attributes: no compression
  buf.writeInt32BE(messages.length - 1, p + 2); // last offset delta
  p = writeInt64(buf, p + 6, firstTimestamp);
  p = writeInt64(buf, p, maxTimestamp);
  p = writeInt64(buf, p, producerId);
  buf.writeInt16BE(producerEpoch, p);
  buf.writeInt32BE(data.firstSequence ?? 0, p + 2);
  buf.writeInt32BE(messages.length, p + 6);
  p += 10;
  for (let i = 0; i < messages.length; i++) {
    const pre = viaKafkajs?.[i];
    if (pre) {
      pre.copy(buf, p);
      p += pre.length;
    } else {
      p = writeRecord(buf, p, i, tsDeltas ? tsDeltas[i]! : 0, messages[i]!);
    }
  }
  buf.writeUInt32BE(crc32c(buf, bodyAt, p), crcAt);
  const batchLength = p - (head + 20);
  buf.writeInt32BE(batchLength, head + 16);
  buf.writeInt32BE(batchLength + 12, head + 4);
  return p;
}

function writeString(at: number, s: string | null): number {
  if (s == null) {
    ensure(at, 2).writeInt16BE(-1, at);
    return at + 2;
  }
  const n = Buffer.byteLength(s, 'utf8');
  const buf = ensure(at, 2 + n);
  buf.writeInt16BE(n, at);
  buf.write(s, at + 2, n, 'utf8');
  return at + 2 + n;
}

/** The request payload (what kafkajs's produce v3 `encode()` returns), without compression. */
export function encodeProduceRequest(args: ProduceArgs, encodeRecord: RecordEncoder): KafkaEncoder {
  const {
    acks,
    timeout,
    transactionalId = null,
    producerId = Long.fromInt(-1),
    producerEpoch = 0,
    topicData,
  } = args;
  let at = writeString(0, transactionalId);
  ensure(at, 10);
  scratch.writeInt16BE(acks, at);
  scratch.writeInt32BE(timeout, at + 2);
  scratch.writeInt32BE(topicData.length, at + 6);
  at += 10;
  for (const { topic, partitions } of topicData) {
    at = writeString(at, topic);
    ensure(at, 4).writeInt32BE(partitions.length, at);
    at += 4;
    for (const data of partitions) {
      at = writePartition(at, data, !!transactionalId, producerId, producerEpoch, encodeRecord);
    }
  }
  // Copied out after room for the request header, which frameRequest then writes in place.
  const out = Buffer.allocUnsafe(FRAME_HEADROOM + at);
  scratch.copy(out, FRAME_HEADROOM, 0, at);
  return withHeadroom(encoderOver(out.subarray(FRAME_HEADROOM)), out);
}

/**
 * The replacement for kafkajs's produce/v3/request.js module: same request object; compressed
 * requests are encoded by the original (`original`).
 */
export function fastProduceRequestV3(
  original: (args: ProduceArgs) => ProduceRequest,
  encodeRecord: RecordEncoder,
): (args: ProduceArgs) => ProduceRequest {
  return (args) => ({
    apiKey: PRODUCE_API_KEY,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => args.acks !== 0,
    encode: async () =>
      (args.compression ?? COMPRESSION_NONE) === COMPRESSION_NONE
        ? encodeProduceRequest(args, encodeRecord)
        : original(args).encode(),
  });
}
