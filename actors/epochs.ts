/**
 * "Everything dispatched so far is done", without waiting for what is dispatched later (the bus
 * keeps dispatching while an earlier batch drains). Work is tagged with the epoch current at
 * dispatch; drain() closes the epoch and resolves once it and all before it are empty. Drains are
 * per bus batch, so there are only ever a few open epochs.
 */
export class EpochTracker {
  private base = 0; // oldest epoch that may still hold work
  private counts: number[] = [0]; // outstanding work per epoch, from base
  private total = 0; // sum of counts (asked after every actor wake)
  private waiters: Array<{ epoch: number; resolve: () => void }> = [];

  /** Tags one unit of work; returns its epoch (hand it back to done()). */
  add(): number {
    this.counts[this.counts.length - 1]++;
    this.total++;
    return this.base + this.counts.length - 1;
  }

  done(epoch: number): void {
    this.counts[epoch - this.base]--;
    this.total--;
    if (epoch === this.base && this.counts[0] === 0) this.advance();
  }

  get outstanding(): number {
    return this.total;
  }

  /** Resolves when all work tagged before this call is done. */
  drain(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    const epoch = this.base + this.counts.length - 1;
    this.counts.push(0);
    return new Promise((resolve) => this.waiters.push({ epoch, resolve }));
  }

  private advance(): void {
    while (this.counts.length > 1 && this.counts[0] === 0) {
      this.counts.shift();
      this.base++;
    }
    if (this.waiters.length === 0) return;
    const settled = this.counts.length === 1 && this.counts[0] === 0 ? Number.POSITIVE_INFINITY : this.base;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) w.epoch < settled ? w.resolve() : still.push(w);
    this.waiters = still;
  }
}
