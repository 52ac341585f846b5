/**
 * A binary min-heap of items by deadline (ms). The router keeps at most one entry per aircraft
 * (lazily re-keyed when popped early), so heap work is per silence period, not per update.
 */
export class DeadlineHeap<T> {
  private items: T[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The smallest deadline, +Infinity when empty. */
  peekKey(): number {
    return this.keys.length > 0 ? this.keys[0] : Number.POSITIVE_INFINITY;
  }

  /** Keeps only the items `keep` accepts (all of them: O(n)). */
  retain(keep: (item: T) => boolean): void {
    const items = this.items;
    const keys = this.keys;
    this.items = [];
    this.keys = [];
    for (let i = 0; i < items.length; i++) if (keep(items[i])) this.push(items[i], keys[i]);
  }

  push(item: T, key: number): void {
    const items = this.items;
    const keys = this.keys;
    let i = items.length;
    items.push(item);
    keys.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      items[i] = items[p];
      keys[i] = keys[p];
      i = p;
    }
    items[i] = item;
    keys[i] = key;
  }

  pop(): T | undefined {
    const items = this.items;
    const keys = this.keys;
    if (items.length === 0) return undefined;
    const top = items[0];
    const lastItem = items.pop() as T;
    const lastKey = keys.pop() as number;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && keys[r] < keys[l] ? r : l;
        if (keys[c] >= lastKey) break;
        items[i] = items[c];
        keys[i] = keys[c];
        i = c;
      }
      items[i] = lastItem;
      keys[i] = lastKey;
    }
    return top;
  }
}
