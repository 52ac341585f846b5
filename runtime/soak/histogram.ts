/**
 * A mergeable latency histogram with log-spaced buckets (2% wide), so p50/p99 over millions of
 * samples cost a few hundred counters and can be summed across processes and intervals.
 * Values are milliseconds; anything below 1 ms lands in the first bucket.
 */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

export type HistogramData = [bucket: number, count: number][];

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  count = 0;
  maxMs = 0;

  add(ms: number, n = 1): void {
    const b = ms <= 1 ? 0 : Math.floor(Math.log(ms) / LOG_GROWTH);
    this.counts.set(b, (this.counts.get(b) ?? 0) + n);
    this.count += n;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  merge(data: HistogramData, maxMs = 0): void {
    for (const [b, n] of data) {
      this.counts.set(b, (this.counts.get(b) ?? 0) + n);
      this.count += n;
    }
    this.maxMs = Math.max(this.maxMs, maxMs);
  }

  /** The q-quantile (0..1): the upper edge of the bucket holding it, so within +2% of the truth. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b) ?? 0;
      if (seen >= rank) return Math.min(this.maxMs, GROWTH ** (b + 1));
    }
    return this.maxMs;
  }

  data(): HistogramData {
    return [...this.counts.entries()];
  }
}
