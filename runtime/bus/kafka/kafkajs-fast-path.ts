/**
 * Replaces two internal kafkajs 2.2.4 producer functions that dominate its CPU profile:
 *
 * - `Record` (recordBatch/record/v0): kafkajs allocates a zeroed 512-byte Encoder per record, one
 *   Buffer per varint and Long objects per timestamp (about a fifth of producer CPU). Here each
 *   record is written once into a shared slab; the bytes are identical (property-tested against
 *   the original in kafkajs-fast-path.test.ts). Records with headers still go to the original.
 * - `groupMessagesPerPartition`: the original copies the partition's array for every message
 *   (quadratic in messages per partition per send); here it is a plain push.
 *
 * It patches kafkajs's CommonJS module cache, so it must run before kafkajs loads those modules:
 * kafka-bus.ts takes kafkajs from here (`kafkajs` below). With another kafkajs version, or when a
 * module was already loaded, that part stays stock (correct, slower) and `kafkajsFastPath` says so.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('kafkajs/package.json'));
const RECORD = join(root, 'src/protocol/recordBatch/record/v0/index.js');
const GROUP = join(root, 'src/producer/groupMessagesPerPartition.js');
const PRODUCE_V3 = join(root, 'src/protocol/requests/produce/v3/request.js');
const SEND_MESSAGES = join(root, 'src/producer/sendMessages.js');

export interface RecordArgs {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, unknown>;
}

/** What kafkajs's RecordBatch reads from a record: an Encoder-shaped `{buf, buffer}`. */
interface EncodedRecord {
  buf: Buffer;
  readonly buffer: Buffer;
}

const SLAB_BYTES = 256 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabAt = 0;

/** Room for `n` bytes: a fresh slab when full (records still referencing the old one keep it alive). */
function reserve(n: number): Buffer {
  if (slabAt + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, n));
    slabAt = 0;
  }
  return slab;
}

const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);

function sizeOfUVarint(u: number): number {
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

function writeUVarint(buf: Buffer, at: number, u: number): number {
  while (u >= 128) {
    buf[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}

const byteLength = (v: Buffer | string | null | undefined) =>
  v == null ? -1 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length;

function writeBytes(buf: Buffer, at: number, v: Buffer | string | null | undefined, len: number): number {
  at = writeUVarint(buf, at, zigzag(len));
  if (len < 0) return at;
  if (typeof v === 'string') buf.write(v, at, len, 'utf8');
  else (v as Buffer).copy(buf, at);
  return at + len;
}

/** Encodes one record exactly as kafkajs's record/v0 does (without headers). */
export function encodeRecord({ offsetDelta = 0, timestampDelta = 0, key, value }: RecordArgs): EncodedRecord {
  const keyLen = byteLength(key);
  const valueLen = byteLength(value);
  const ts = zigzag(Number(timestampDelta));
  const off = zigzag(offsetDelta);
  const body =
    1 +
    sizeOfUVarint(ts) +
    sizeOfUVarint(off) +
    sizeOfUVarint(zigzag(keyLen)) +
    Math.max(keyLen, 0) +
    sizeOfUVarint(zigzag(valueLen)) +
    Math.max(valueLen, 0) +
    1; // header count 0
  const total = sizeOfUVarint(zigzag(body)) + body;
  const buf = reserve(total);
  const start = slabAt;
  let at = writeUVarint(buf, start, zigzag(body));
  buf[at++] = 0; // attributes
  at = writeUVarint(buf, at, ts);
  at = writeUVarint(buf, at, off);
  at = writeBytes(buf, at, key, keyLen);
  at = writeBytes(buf, at, value, valueLen);
  buf[at++] = 0; // no headers
  slabAt = at;
  const bytes = buf.subarray(start, at);
  return { buf: bytes, buffer: bytes };
}

type Partitioner = (args: { topic: string; partitionMetadata: unknown; message: unknown }) => number;

/** Same result as kafkajs's groupMessagesPerPartition, linear instead of quadratic. */
export function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: Partitioner;
}): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list) list.push(message);
    else result[partition] = [message];
  }
  return result;
}

/** The original kafkajs record encoder (the reference for the property test). */
export const originalRecord = require(RECORD) as (args: RecordArgs) => { buffer: Buffer };

/** Which replacements took effect (each needs its kafkajs module not yet loaded by kafkajs). */
export interface FastPathStatus {
  record: boolean;
  grouping: boolean;
  reason: string;
}

function install(): FastPathStatus {
  const version = (require('kafkajs/package.json') as { version: string }).version;
  if (version !== '2.2.4')
    return { record: false, grouping: false, reason: `kafkajs ${version}, patch written for 2.2.4` };
  // Produce requests are loaded lazily (first send); sendMessages when kafkajs itself loads.
  const record = !require.cache[PRODUCE_V3];
  if (record) {
    require.cache[RECORD]!.exports = (args: RecordArgs) =>
      args.headers && Object.keys(args.headers).length > 0 ? originalRecord(args) : encodeRecord(args);
  }
  const grouping = !require.cache[SEND_MESSAGES];
  if (grouping) {
    require(GROUP);
    require.cache[GROUP]!.exports = groupMessagesPerPartition;
  }
  return { record, grouping, reason: record && grouping ? 'patched' : 'kafkajs loaded before the patch' };
}

export const kafkajsFastPath = install();

/** kafkajs itself, loaded after the patch: import it from here so the order cannot be reordered away. */
export const kafkajs = require('kafkajs') as typeof import('kafkajs');
