/**
 * The kafkajs 2.2.4 fast path: replaces internal kafkajs functions that dominate its CPU profile,
 * each with one giving the same bytes or values (property tests against kafkajs's own code beside
 * each replacement). The replacements live in their own modules; this one installs them.
 *
 * Producer:
 * - produce/v3/request.js (v4-v7 reuse it): the whole request written once into one buffer, CRC-32C
 *   slicing-by-8 (fast-produce-request.ts, crc32c.ts). Compressed requests and records with headers
 *   still use kafkajs's encoders.
 * - protocol/request.js: size + header + payload in one allocation (fast-request-frame.ts).
 * - producer/groupMessagesPerPartition.js: the original copies the partition's array for every
 *   message (quadratic in messages per partition per send); here a plain push.
 *
 * Consumer:
 * - recordBatch/v0/decoder.js: uncompressed batches read in one loop with plain-number varints, no
 *   Decoder, Long or Buffer per record (fast-fetch-decoding.ts).
 * - consumer/batch.js: the offset filter compares numbers instead of a Long per message.
 *
 * It patches kafkajs's CommonJS module cache, so it must run before kafkajs loads those modules (or
 * the modules that capture them at load): kafka-bus.ts takes kafkajs from here (`kafkajs` below).
 * With another kafkajs version, or when a module was already loaded, that part stays stock (correct,
 * slower) and `kafkajsFastPath` says which parts are on.
 */
import { fastBatchClass, fastRecordBatchDecoder, type RecordBatchDecoder } from './fast-fetch-decoding.ts';
import {
  fastProduceRequestV3,
  type ProduceArgs,
  type ProduceRequest,
  type RecordEncoder,
} from './fast-produce-request.ts';
import { frameRequest } from './fast-request-frame.ts';
import { kafkajsPath, kafkajsVersion, requireCjs } from './kafkajs-internals.ts';

const RECORD = kafkajsPath('src/protocol/recordBatch/record/v0/index.js');
const RECORD_DECODER = kafkajsPath('src/protocol/recordBatch/record/v0/decoder.js');
const RECORD_BATCH_DECODER = kafkajsPath('src/protocol/recordBatch/v0/decoder.js');
const DECODE_MESSAGES = kafkajsPath('src/protocol/requests/fetch/v4/decodeMessages.js');
const PRODUCE_V3 = kafkajsPath('src/protocol/requests/produce/v3/request.js');
/** The produce request versions that capture v3's export when they load. */
const PRODUCE_LATER = [4, 5, 6, 7].map((v) => kafkajsPath(`src/protocol/requests/produce/v${v}/request.js`));
const REQUEST_FRAME = kafkajsPath('src/protocol/request.js');
const CONNECTION = kafkajsPath('src/network/connection.js');
const BATCH = kafkajsPath('src/consumer/batch.js');
const CONSUMER_GROUP = kafkajsPath('src/consumer/consumerGroup.js');
const FILTER_ABORTED = kafkajsPath('src/consumer/filterAbortedMessages.js');
const GROUP = kafkajsPath('src/producer/groupMessagesPerPartition.js');
const SEND_MESSAGES = kafkajsPath('src/producer/sendMessages.js');

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

/** kafkajs's own implementations (references for the property tests, fallbacks at run time). */
export const original = {
  record: requireCjs(RECORD) as RecordEncoder,
  recordDecoder: requireCjs(RECORD_DECODER) as Parameters<typeof fastRecordBatchDecoder>[1],
  recordBatchDecoder: requireCjs(RECORD_BATCH_DECODER) as RecordBatchDecoder,
  produceRequestV3: requireCjs(PRODUCE_V3) as (args: ProduceArgs) => ProduceRequest,
  frameRequest: requireCjs(REQUEST_FRAME) as typeof frameRequest,
  Batch: requireCjs(BATCH) as { new (...args: unknown[]): object; prototype: object },
  filterAbortedMessages: requireCjs(FILTER_ABORTED) as Parameters<typeof fastBatchClass>[1],
};

/** Which replacements took effect. */
export interface FastPathStatus {
  produce: boolean;
  frame: boolean;
  grouping: boolean;
  fetch: boolean;
  batch: boolean;
  reason: string;
}

const loaded = (...paths: string[]) => paths.some((p) => requireCjs.cache[p] !== undefined);

function replace(path: string, exports: unknown) {
  requireCjs(path);
  requireCjs.cache[path]!.exports = exports;
}

function install(): FastPathStatus {
  if (kafkajsVersion !== '2.2.4') {
    return {
      produce: false,
      frame: false,
      grouping: false,
      fetch: false,
      batch: false,
      reason: `kafkajs ${kafkajsVersion}, fast path written for 2.2.4`,
    };
  }
  // Each part only while the modules that capture it at load time are not loaded yet.
  const produce = !loaded(...PRODUCE_LATER);
  if (produce) replace(PRODUCE_V3, fastProduceRequestV3(original.produceRequestV3, original.record));
  const frame = !loaded(CONNECTION);
  if (frame) replace(REQUEST_FRAME, frameRequest);
  const grouping = !loaded(SEND_MESSAGES);
  if (grouping) replace(GROUP, groupMessagesPerPartition);
  const fetch = !loaded(DECODE_MESSAGES);
  if (fetch)
    replace(
      RECORD_BATCH_DECODER,
      fastRecordBatchDecoder(original.recordBatchDecoder, original.recordDecoder),
    );
  const batch = !loaded(CONSUMER_GROUP);
  if (batch) replace(BATCH, fastBatchClass(original.Batch, original.filterAbortedMessages));
  const all = produce && frame && grouping && fetch && batch;
  return {
    produce,
    frame,
    grouping,
    fetch,
    batch,
    reason: all ? 'patched' : 'kafkajs loaded before the patch',
  };
}

export const kafkajsFastPath = install();

/** kafkajs itself, loaded after the patch: import it from here so the order cannot be reordered away. */
export const kafkajs = requireCjs('kafkajs') as typeof import('kafkajs');
