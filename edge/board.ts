import {
  type AnomalyType,
  PendingTracks,
  type Track,
  type TrackBoardPort,
  type TrackSource,
} from '../runtime/contract/index.ts';
import { normalizeTrack, trackJson } from '../runtime/contract/track-json.ts';
import { DEFAULT_TRAIL, Trail, type TrailLimits, type TrailPoint } from './trail.ts';

interface Entry {
  track: Track;
  /** Anomalies as the producer of the Track sent them; the edge's marks are added on top. */
  own: readonly AnomalyType[];
  /** Serialized once per change, shared by every frame and HTTP answer until the next change. */
  json: string | null;
  seenMs: number;
  trail: Trail;
  /** Whether a tick has announced this aircraft (so its removal must be announced too). */
  published: boolean;
  /** The Track as the last tick announced it (what every subscriber holding it has). */
  sent: Track | null;
  /** The Track as the tick before that announced it (what a compact delta patches). */
  base: Track | null;
}

export interface TrackBoardOptions {
  now: () => number;
  staleAfterS: number;
  trail?: TrailLimits;
}

/** What changed between two ticks: aircraft to (re)send and aircraft gone. Disjoint. */
export interface BoardChanges {
  upserts: string[];
  removes: string[];
}

/**
 * The latest smoothed Track per aircraft, with change tracking: `takeChanges()` yields what
 * was upserted and removed since the previous call, so applying every result in order to an
 * empty map reproduces the board. Staleness uses the time an update arrived (the injected
 * clock), not Track.ts, so a replay of old data stays on the board while it is fed.
 *
 * `changed(source)` marks an aircraft changed without building its Track: every read (a tick's
 * `takeChanges()`, an HTTP answer) first builds the Tracks of the aircraft changed since (see
 * `settle`), so an aircraft updated many times between two ticks costs one Track, built once.
 */
export class TrackBoard implements TrackBoardPort {
  private readonly entries = new Map<string, Entry>();
  /** Aircraft changed since the last read, whose Track is not built yet. */
  private readonly pending = new PendingTracks();
  private mirror: Pick<TrackBoardPort, 'upsert'> | null = null;
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  /** Anomaly types the edge marks on an aircraft (open anomalies), kept across upserts. */
  private readonly marks = new Map<string, Set<AnomalyType>>();
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private readonly trailLimits: TrailLimits;

  constructor(options: TrackBoardOptions) {
    this.now = options.now;
    this.staleAfterMs = options.staleAfterS * 1000;
    this.trailLimits = options.trail ?? DEFAULT_TRAIL;
  }

  get size(): number {
    this.settle();
    return this.entries.size;
  }

  upsert(input: Track): void {
    this.pending.overridden(input.icao24);
    this.put(input);
  }

  changed(source: TrackSource): void {
    this.pending.changed(source);
  }

  /** Builds the Tracks of the aircraft changed since the last read: every read starts here. */
  private settle(): void {
    if (this.pending.size > 0) this.pending.take(this.putTrack);
  }

  private readonly putTrack = (track: Track): void => {
    this.put(track);
    this.mirror?.upsert(track);
  };

  /**
   * Hands every Track this board builds from a changed source to `port` too (the processor's
   * TrackPublisher beside its own edge): one board notes the changes and builds each Track once
   * for both. Two boards fed the same sources would each mark them and, alternating, never
   * recognise a source as already noted.
   */
  mirrorTo(port: Pick<TrackBoardPort, 'upsert'>): void {
    this.mirror = port;
  }

  private put(input: Track): void {
    const own = input.anomalies;
    const track = normalizeTrack(input, this.withMarks(input.icao24, own));
    const prev = this.entries.get(track.icao24);
    if (prev === undefined) {
      const trail = new Trail(this.trailLimits);
      trail.push(track.ts, track.lat, track.lon, track.alt_m);
      this.entries.set(track.icao24, {
        track,
        own,
        json: null,
        seenMs: this.now(),
        trail,
        published: false,
        sent: null,
        base: null,
      });
    } else {
      prev.trail.push(track.ts, track.lat, track.lon, track.alt_m);
      prev.track = track;
      prev.own = own;
      prev.json = null;
      prev.seenMs = this.now();
    }
    this.dirty.add(track.icao24);
    this.removed.delete(track.icao24);
  }

  remove(icao24: string): void {
    this.pending.overridden(icao24);
    const entry = this.entries.get(icao24);
    if (entry === undefined) return;
    this.entries.delete(icao24);
    this.dirty.delete(icao24);
    if (entry.published) this.removed.add(icao24);
  }

  /** Removes aircraft not updated for staleAfterS; returns their ids. */
  expire(): string[] {
    this.settle();
    const oldestMs = this.now() - this.staleAfterMs;
    const gone: string[] = [];
    for (const [icao24, entry] of this.entries) if (entry.seenMs < oldestMs) gone.push(icao24);
    for (const icao24 of gone) this.remove(icao24);
    return gone;
  }

  takeChanges(): BoardChanges {
    this.settle();
    const upserts = [...this.dirty];
    for (const icao24 of upserts) {
      const entry = this.entries.get(icao24) as Entry;
      entry.published = true;
      entry.base = entry.sent;
      entry.sent = entry.track;
    }
    const removes = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    return { upserts, removes };
  }

  get(icao24: string): Track | undefined {
    this.settle();
    return this.entries.get(icao24)?.track;
  }

  json(icao24: string): string | undefined {
    this.settle();
    const entry = this.entries.get(icao24);
    if (entry === undefined) return undefined;
    entry.json ??= trackJson(entry.track);
    return entry.json;
  }

  /**
   * The Track as the last `takeChanges()` announced it, and the one before (null when that
   * tick did not know the aircraft): the compact encoding sends what changed between them.
   */
  announced(icao24: string): { sent: Track | null; base: Track | null } | undefined {
    this.settle();
    return this.entries.get(icao24);
  }

  isPublished(icao24: string): boolean {
    this.settle();
    return this.entries.get(icao24)?.published === true;
  }

  trail(icao24: string): TrailPoint[] | undefined {
    this.settle();
    return this.entries.get(icao24)?.trail.points();
  }

  ids(): IterableIterator<string> {
    this.settle();
    return this.entries.keys();
  }

  tracks(): Track[] {
    this.settle();
    return Array.from(this.entries.values(), (e) => e.track);
  }

  /** Sets the edge's anomaly marks for an aircraft; a present aircraft is re-sent next tick. */
  setMarks(icao24: string, types: ReadonlySet<AnomalyType>): void {
    this.settle();
    if (types.size === 0) this.marks.delete(icao24);
    else this.marks.set(icao24, new Set(types));
    const entry = this.entries.get(icao24);
    if (entry === undefined) return;
    entry.track = { ...entry.track, anomalies: this.withMarks(icao24, entry.own) };
    entry.json = null;
    this.dirty.add(icao24);
  }

  private withMarks(icao24: string, own: readonly AnomalyType[]): AnomalyType[] {
    const out = [...own];
    const marked = this.marks.get(icao24);
    if (marked !== undefined) for (const t of marked) if (!out.includes(t)) out.push(t);
    return out;
  }
}
