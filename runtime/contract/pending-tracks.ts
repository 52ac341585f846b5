import { nextBoardMark, type TrackSource } from './ports.ts';
import type { Track } from './track.ts';

/**
 * The coalescing half of a track board: the aircraft marked `changed` since the board last
 * built their Tracks. Noting a change costs no lookup (the source carries the board's mark for
 * the current period), so it can run on every update of every aircraft; `take` builds each
 * changed aircraft's Track once, however often it changed in the period.
 *
 * A Track upserted directly, or a removal, is newer than the changes noted before it: `overridden`
 * drops those (a change noted after it still counts).
 *
 * A source carries one mark: feed it to one board. Two boards fed the same sources stay correct
 * (each gets every changed aircraft) but overwrite each other's marks, so neither dedupes (the
 * processor with its own edge feeds the edge's board, which mirrors to the publisher).
 */
export class PendingTracks {
  private sources: TrackSource[] = [];
  private mark = nextBoardMark();
  /** icao24 -> index in `sources` before which its changes are older than an upsert or removal. */
  private staleBefore = new Map<string, number>();

  get size(): number {
    return this.sources.length;
  }

  changed(source: TrackSource): void {
    if (source.boardMark === this.mark) {
      // Already noted this period, unless an upsert or removal came after that note.
      if (this.staleBefore.size === 0 || !this.staleBefore.has(source.icao24)) return;
    }
    source.boardMark = this.mark;
    this.sources.push(source);
  }

  /** A Track for `icao24` was upserted, or the aircraft removed: changes noted so far are older. */
  overridden(icao24: string): void {
    if (this.sources.length > 0) this.staleBefore.set(icao24, this.sources.length);
  }

  /** Hands the current Track of every aircraft changed since the last take (once each) to `put`. */
  take(put: (track: Track) => void): void {
    if (this.sources.length === 0) return;
    const sources = this.sources;
    const stale = this.staleBefore;
    this.sources = [];
    this.staleBefore = new Map();
    this.mark = nextBoardMark();
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i];
      if (stale.size > 0) {
        const before = stale.get(source.icao24);
        if (before !== undefined && i < before) continue;
      }
      put(source.track()); // (noted again after an override: built twice, the same latest state)
    }
  }
}
