import type { BusValue } from '../bus.ts';

/** One stored record of a partition. */
export interface LogEntry {
  offset: number;
  key: string | null;
  value: BusValue | null;
  timestampMs: number;
}

export interface PartitionLogOptions {
  /** Compacted topics keep the latest record per key (cleanup.policy=compact). */
  compact: boolean;
  /** At most this many records are kept; the oldest go first (retention by count). */
  maxRecords: number;
}

/**
 * The records of one partition in memory, with Kafka's offset semantics: offsets grow by one per
 * append and never change; retention drops the oldest (the low watermark moves); compaction drops
 * records superseded by a newer one with the same key, so a compacted log has offset holes.
 * Pure: no timers, no I/O.
 */
export class PartitionLog {
  private entries: LogEntry[] = [];
  /** Index of the first live entry in `entries` (dropping from the front without shifting). */
  private head = 0;
  private nextOffset = 0;
  /** Compacted topics: the offset of the newest record per key. */
  private readonly latest = new Map<string, number>();
  private superseded = 0;
  /** Records dropped by retention (not by compaction). */
  dropped = 0;

  constructor(private readonly options: PartitionLogOptions) {}

  get highWatermark(): number {
    return this.nextOffset;
  }

  get lowWatermark(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.offset : this.nextOffset;
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  append(key: string | null, value: BusValue | null, timestampMs: number): number {
    const offset = this.nextOffset++;
    this.entries.push({ offset, key, value, timestampMs });
    if (this.options.compact && key !== null) {
      if (this.latest.has(key)) this.superseded++;
      this.latest.set(key, offset);
      // Compact once half the log is superseded: amortised O(1) per append.
      if (this.superseded > 1024 && this.superseded * 2 > this.size) this.compact();
    }
    if (this.size > this.options.maxRecords) this.dropOldest(this.size - this.options.maxRecords);
    return offset;
  }

  /** Up to `max` records from `fromOffset` on (the first one at or after it). */
  read(fromOffset: number, max: number): LogEntry[] {
    const start = this.indexAtOrAfter(fromOffset);
    const end = Math.min(this.entries.length, start + max);
    return start >= end ? [] : this.entries.slice(start, end);
  }

  /** The first offset whose timestamp is >= timestampMs, or the high watermark. */
  offsetForTime(timestampMs: number): number {
    for (let i = this.head; i < this.entries.length; i++) {
      if (this.entries[i]!.timestampMs >= timestampMs) return this.entries[i]!.offset;
    }
    return this.nextOffset;
  }

  /** Drops superseded records of compacted topics (the latest per key stays, tombstones included). */
  compact(): void {
    const kept: LogEntry[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.key === null || this.latest.get(e.key) === e.offset) kept.push(e);
    }
    this.entries = kept;
    this.head = 0;
    this.superseded = 0;
  }

  private dropOldest(n: number): void {
    for (let i = 0; i < n; i++) {
      const e = this.entries[this.head + i]!;
      if (this.options.compact && e.key !== null && this.latest.get(e.key) === e.offset)
        this.latest.delete(e.key);
      else if (this.options.compact && e.key !== null) this.superseded--;
    }
    this.head += n;
    this.dropped += n;
    // Reclaim the dropped prefix once it is the larger part of the array.
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private indexAtOrAfter(offset: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    if (lo < hi) {
      // Fast path: without compaction holes the index is arithmetic.
      const guess = lo + (offset - this.entries[lo]!.offset);
      if (guess >= lo && guess < hi && this.entries[guess]!.offset === offset) return guess;
      if (guess < lo) return lo;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
