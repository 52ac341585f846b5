import type { ICustomPartitioner } from 'kafkajs';
import { murmur2, partitionForKey } from '../partitioner.ts';

/**
 * kafkajs's DefaultPartitioner (Java client's: murmur2 of the key, sign bit cleared, modulo the
 * partition count; keyless messages round robin over partitions with a leader) without its
 * per-message costs: it filters the partition list for every message and hashes with Long objects
 * (about 15% of producer CPU). Keyed placement is identical (kafka-partitioner.test.ts).
 */
export const KeyPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const n = partitionMetadata.length;
    const key = message.key;
    if (key !== null && key !== undefined) {
      return typeof key === 'string' ? partitionForKey(key, n) : (murmur2(key) & 0x7fffffff) % n;
    }
    const next = (counters.get(topic) ?? Math.floor(Math.random() * 2 ** 31)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    return available.length > 0 ? available[next % available.length]!.partitionId : next % n;
  };
};
