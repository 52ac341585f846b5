/**
 * Which aircraft each partition has fed, so that when a partition is revoked exactly its actors
 * are stopped (an aircraft's key pins it to one partition).
 */
export class PartitionIndex {
  private readonly byPartition = new Map<string, Set<string>>();

  note(topic: string, partition: number, icao24: string): void {
    const key = `${topic}:${partition}`;
    let set = this.byPartition.get(key);
    if (set === undefined) {
      set = new Set();
      this.byPartition.set(key, set);
    }
    set.add(icao24);
  }

  /** Forgets the partitions and returns the aircraft they had. */
  take(partitions: Array<{ topic: string; partition: number }>): string[] {
    const out: string[] = [];
    for (const { topic, partition } of partitions) {
      const key = `${topic}:${partition}`;
      const set = this.byPartition.get(key);
      if (set) out.push(...set);
      this.byPartition.delete(key);
    }
    return out;
  }
}
