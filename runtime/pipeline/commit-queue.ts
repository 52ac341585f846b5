import type { PartitionOffset } from '../bus/bus.ts';

/**
 * Commits offsets in order, each only once its barrier (handler drained, sinks durable) resolved,
 * without making the consumer wait for the barrier: consumption runs ahead by up to `maxPending`
 * batches. A barrier that rejects stops all later commits and is reported through `failed`.
 */
export class CommitQueue {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private error: unknown = null;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly maxPending: number,
  ) {}

  get failed(): unknown {
    return this.error;
  }

  get size(): number {
    return this.pending;
  }

  /** Queues a commit of `offsets` after `barrier`; resolves when there is room for another batch. */
  async push(offsets: PartitionOffset[], barrier: Promise<unknown>): Promise<void> {
    this.pending++;
    barrier.catch(() => {}); // observed below, in order
    this.chain = this.chain.then(async () => {
      try {
        if (this.error) return;
        await barrier;
        await this.commit(offsets);
      } catch (e) {
        this.error ??= e;
      } finally {
        this.pending--;
        this.waiters.shift()?.();
      }
    });
    while (this.pending > this.maxPending && !this.error) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.error) throw this.error;
  }

  /** Resolves once every queued commit is done; rejects with the first failure. */
  async settled(): Promise<void> {
    await this.chain;
    if (this.error) throw this.error;
  }
}
