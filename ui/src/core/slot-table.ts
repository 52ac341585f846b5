import type { Track } from '../../../runtime/contract/track.ts';

/**
 * Dense slots for a GPU layer: aircraft i lives at slot i of every attribute array, so the
 * draw range is [0, size). Removing swaps the last slot into the hole; the caller copies its
 * own per-slot columns with the returned move. Also keeps the filtered (visible) count
 * incrementally so a delta costs O(changes), not O(aircraft).
 */
export class SlotTable {
  readonly tracks: Track[] = [];
  visible = new Uint8Array(1024);
  private readonly index = new Map<string, number>();
  visibleCount = 0;

  get size(): number {
    return this.tracks.length;
  }

  slotOf(icao24: string): number | undefined {
    return this.index.get(icao24);
  }

  /** Inserts or replaces; returns the slot. */
  upsert(t: Track, isVisible: boolean): number {
    let slot = this.index.get(t.icao24);
    if (slot === undefined) {
      slot = this.tracks.length;
      this.tracks.push(t);
      this.index.set(t.icao24, slot);
      if (slot >= this.visible.length) {
        const grown = new Uint8Array(this.visible.length * 2);
        grown.set(this.visible);
        this.visible = grown;
      }
      this.visible[slot] = 0;
    } else {
      this.tracks[slot] = t;
    }
    this.setVisible(slot, isVisible);
    return slot;
  }

  /** Removes; returns {slot: the hole, from: the slot moved into it (=== slot when it was last)} or null. */
  remove(icao24: string): { slot: number; from: number } | null {
    const slot = this.index.get(icao24);
    if (slot === undefined) return null;
    this.setVisible(slot, false);
    const last = this.tracks.length - 1;
    const moved = this.tracks[last]!;
    this.tracks[slot] = moved;
    this.visible[slot] = this.visible[last]!;
    this.tracks.pop();
    this.index.delete(icao24);
    if (slot !== last) this.index.set(moved.icao24, slot);
    return { slot, from: last };
  }

  setVisible(slot: number, v: boolean): void {
    const was = this.visible[slot] === 1;
    if (was === v) return;
    this.visible[slot] = v ? 1 : 0;
    this.visibleCount += v ? 1 : -1;
  }

  clear(): void {
    this.tracks.length = 0;
    this.index.clear();
    this.visible.fill(0);
    this.visibleCount = 0;
  }
}
