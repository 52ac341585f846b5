import type { TopicPartition } from '../bus.ts';

/**
 * Spreads partitions over group members: partition p of every topic goes to member p mod n (members
 * in join order), so co-partitioned topics stay together and a member joining or leaving moves as
 * few partitions as a modulo allows. Returns one list per member, in the members' order.
 */
export function assignPartitions(
  memberCount: number,
  topics: ReadonlyArray<{ topic: string; partitions: number }>,
): TopicPartition[][] {
  const out: TopicPartition[][] = Array.from({ length: memberCount }, () => []);
  if (memberCount === 0) return out;
  for (const { topic, partitions } of topics) {
    for (let p = 0; p < partitions; p++) out[p % memberCount]!.push({ topic, partition: p });
  }
  return out;
}

/** Partitions in `a` that are not in `b`. */
export function minus(a: readonly TopicPartition[], b: readonly TopicPartition[]): TopicPartition[] {
  const inB = new Set(b.map((tp) => `${tp.topic}\u0000${tp.partition}`));
  return a.filter((tp) => !inB.has(`${tp.topic}\u0000${tp.partition}`));
}
