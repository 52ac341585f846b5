/**
 * Per-result update counts kept in plain numbers and handed to prom-client in bulk (its inc() is
 * ~150 ns, a tenth of an update's work): every `flushEvery` counts, whenever the owner says so
 * (the router: when it goes idle, and after a drain), and at the latest `flushAfterMs` after the
 * first count not yet handed over, so /metrics is never more than about a second behind the work
 * done, even under a load that never lets the router go idle.
 */
export interface BatchedCountsOptions {
  /** Hand the counts over after this many (4,096: the per-count cost stays a few ns). */
  flushEvery: number;
  /** ...or this long after the first count not yet handed over. */
  flushAfterMs: number;
  /** Injected for tests; default: an unref'd setTimeout (it never keeps the process alive). */
  setTimer?: (fn: () => void, ms: number) => unknown;
}

export class BatchedCounts {
  private readonly counts: Float64Array;
  private unflushed = 0;
  private timerArmed = false;
  private readonly onTimer = (): void => {
    this.timerArmed = false;
    this.flush();
  };
  private readonly setTimer: (fn: () => void, ms: number) => unknown;

  constructor(
    private readonly labels: readonly string[],
    private readonly inc: (label: string, n: number) => void,
    private readonly options: BatchedCountsOptions,
  ) {
    this.counts = new Float64Array(labels.length);
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
  }

  /** One more of `labels[code]`. */
  add(code: number): void {
    this.counts[code]++;
    if (++this.unflushed >= this.options.flushEvery) this.flush();
    else if (!this.timerArmed) {
      this.timerArmed = true;
      this.setTimer(this.onTimer, this.options.flushAfterMs);
    }
  }

  /** Hands every count not yet handed over to `inc` (one call per label with a count). */
  flush(): void {
    if (this.unflushed === 0) return;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        this.inc(this.labels[i], counts[i]);
        counts[i] = 0;
      }
    }
    this.unflushed = 0;
  }
}
