import type { Bus, PublishRecord } from '../bus/bus.ts';
import { PendingTracks } from '../contract/pending-tracks.ts';
import type { TrackBoardPort, TrackSource } from '../contract/ports.ts';
import type { Track } from '../contract/track.ts';

export interface TrackPublisherOptions {
  bus: Bus;
  topic: string; // flights.tracks (compacted)
  /** Publishes what changed this often (WS_TICK_HZ): many updates of one aircraft become one message. */
  tickHz: number;
  /** An aircraft not updated for this long is removed: a tombstone (null value) on its key. */
  staleAfterS: number;
  now?: () => number;
  onError?: (e: unknown) => void;
}

/**
 * The processor's track board in scale-out mode: the latest smoothed Track per aircraft is
 * published to flights.tracks, coalesced per tick, and a tombstone when the aircraft leaves, so
 * any number of edges can rebuild the board from that compacted topic alone. An aircraft marked
 * `changed` has its Track built at the next flush (once, however often it changed meanwhile).
 */
export class TrackPublisher implements TrackBoardPort {
  private readonly latest = new Map<string, Track>();
  /** Aircraft changed since the last flush, whose Track is not built yet. */
  private readonly pending = new PendingTracks();
  private readonly seenMs = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly gone = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private inFlight: Promise<void> = Promise.resolve();
  published = 0;
  tombstones = 0;

  constructor(private readonly options: TrackPublisherOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), 1000 / options.tickHz);
    this.timer.unref();
  }

  upsert(track: Track): void {
    this.pending.overridden(track.icao24);
    this.put(track);
  }

  changed(source: TrackSource): void {
    this.pending.changed(source);
  }

  private settle(): void {
    if (this.pending.size > 0) this.pending.take(this.putTrack);
  }

  private readonly putTrack = (track: Track): void => this.put(track);

  private put(track: Track): void {
    this.latest.set(track.icao24, track);
    this.seenMs.set(track.icao24, this.now());
    this.dirty.add(track.icao24);
    this.gone.delete(track.icao24);
  }

  remove(icao24: string): void {
    this.pending.overridden(icao24);
    if (!this.latest.delete(icao24)) return;
    this.seenMs.delete(icao24);
    this.dirty.delete(icao24);
    this.gone.add(icao24);
  }

  /** Publishes the changes since the last flush (and tombstones for stale aircraft). */
  flush(): Promise<void> {
    this.settle();
    const staleBefore = this.now() - this.options.staleAfterS * 1000;
    for (const [icao24, seen] of this.seenMs) if (seen < staleBefore) this.remove(icao24);
    if (this.dirty.size === 0 && this.gone.size === 0) return this.inFlight;
    const records: PublishRecord[] = [];
    for (const icao24 of this.dirty)
      records.push({ key: icao24, value: JSON.stringify(this.latest.get(icao24)) });
    for (const icao24 of this.gone) records.push({ key: icao24, value: null });
    this.published += this.dirty.size;
    this.tombstones += this.gone.size;
    this.dirty.clear();
    this.gone.clear();
    // Publish in order: a later flush must not overtake an earlier one for the same key.
    this.inFlight = this.inFlight.then(() =>
      this.options.bus.publish(this.options.topic, records).catch((e) => this.options.onError?.(e)),
    );
    return this.inFlight;
  }

  get size(): number {
    this.settle();
    return this.latest.size;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
