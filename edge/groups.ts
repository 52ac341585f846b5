import { compactRow, fullRow } from '../runtime/contract/compact.ts';
import { type BBox, bboxContains, bboxKey, tileOf, tilesOf } from './bbox.ts';
import type { BoardChanges, TrackBoard } from './board.ts';
import { deltaFrame, snapshotFrame } from './frames.ts';

/** How a socket wants Tracks: the contract's JSON objects, or compact rows (compact.ts). */
export type Encoding = 'json' | 'compact';

/**
 * Subscription groups: every socket subscribed to the same box (or to the whole world) is in
 * one group. A group owns a topic, a `seq` and the set of aircraft its subscribers hold, so a
 * tick serializes one delta per group (never per socket) and the server publishes it once.
 *
 * seq: a group's deltas are numbered 1, 2, 3... A snapshot carries the group's current seq and
 * the group's next delta is seq+1, so a joining socket continues the group's sequence with no
 * per-socket bytes. A client treats a snapshot as a re-base and any other jump as a gap.
 *
 * Encodings: a group serves JSON and compact subscribers alike (same members, same seq), on two
 * topics; each tick builds the JSON frame only if a JSON socket is subscribed, the compact one
 * only if a compact socket is.
 */
export class Group<S> {
  seq = 0;
  readonly members = new Set<string>();
  /** Every subscriber and the encoding it asked for. */
  readonly subscribers = new Map<S, Encoding>();
  compactSubscribers = 0;
  /** This tick's pending delta content (aircraft ids), reset when the frames are built. */
  upserts: string[] = [];
  removes: string[] = [];
  /** Aircraft among `upserts` that subscribers do not hold yet (compact rows send them whole). */
  entering: Set<string> | null = null;
  /** Snapshots serialized at most once per tick for every socket that joins or resyncs. */
  snapshotCache: string | null = null;
  compactSnapshotCache: string | null = null;
  readonly compactTopic: string;

  constructor(
    readonly key: string,
    readonly bbox: BBox | null,
    readonly topic: string,
  ) {
    this.compactTopic = `${topic}c`;
  }

  get jsonSubscribers(): number {
    return this.subscribers.size - this.compactSubscribers;
  }

  topicFor(encoding: Encoding): string {
    return encoding === 'compact' ? this.compactTopic : this.topic;
  }

  contains(lon: number, lat: number): boolean {
    return this.bbox === null || bboxContains(this.bbox, lon, lat);
  }
}

export interface GroupFrame<S> {
  group: Group<S>;
  /** The delta for JSON subscribers (null when the group has none). */
  json: string | null;
  /** The delta for compact subscribers (null when the group has none). */
  compact: string | null;
  upserts: number;
}

export class TooManyGroupsError extends Error {
  constructor(max: number) {
    super(`too many distinct subscriptions on this server (max ${max}); try a common box or null`);
  }
}

const NONE: readonly never[] = [];

export class SubscriptionGroups<S> {
  private readonly groups = new Map<string, Group<S>>();
  private readonly bySubscriber = new Map<S, Group<S>>();
  /** tile -> boxed groups touching it; the world group is kept apart (it holds everything). */
  private readonly tiles = new Map<number, Group<S>[]>();
  private world: Group<S> | null = null;
  /** aircraft -> groups whose subscribers hold it (so a leave or a move out is a remove). */
  private readonly memberOf = new Map<string, Group<S>[]>();
  private nextTopic = 0;
  /** The last tick's ts: compact snapshots are the state that tick announced, stamped with it. */
  private lastTickMs: number | null = null;
  /** Compact rows built this tick, shared by every group's frame (cleared each tick). */
  private readonly patchRows = new Map<string, string>();
  private readonly fullRows = new Map<string, string>();
  private readonly scratch: Group<S>[] = [];

  constructor(
    private readonly board: TrackBoard,
    private readonly maxGroups = 10_000,
  ) {}

  get size(): number {
    return this.groups.size;
  }

  groupOf(sub: S): Group<S> | undefined {
    return this.bySubscriber.get(sub);
  }

  all(): IterableIterator<Group<S>> {
    return this.groups.values();
  }

  /** Moves a subscriber to the group for `bbox` (creating it), leaving its previous group. */
  join(sub: S, bbox: BBox | null, encoding: Encoding = 'json'): Group<S> {
    const key = bboxKey(bbox);
    const current = this.bySubscriber.get(sub);
    if (current?.key === key) {
      const was = current.subscribers.get(sub);
      if (was !== encoding) {
        current.subscribers.set(sub, encoding);
        current.compactSubscribers += encoding === 'compact' ? 1 : -1;
      }
      return current;
    }
    let group = this.groups.get(key);
    if (group === undefined) {
      if (this.groups.size >= this.maxGroups) throw new TooManyGroupsError(this.maxGroups);
      group = this.create(key, bbox);
    }
    if (current !== undefined) this.leave(sub);
    group.subscribers.set(sub, encoding);
    if (encoding === 'compact') group.compactSubscribers += 1;
    this.bySubscriber.set(sub, group);
    return group;
  }

  leave(sub: S): void {
    const group = this.bySubscriber.get(sub);
    if (group === undefined) return;
    this.bySubscriber.delete(sub);
    if (group.subscribers.get(sub) === 'compact') group.compactSubscribers -= 1;
    group.subscribers.delete(sub);
    if (group.subscribers.size === 0) this.destroy(group);
  }

  /** The group's snapshot: its members as of the last tick, with their current values. */
  snapshot(group: Group<S>, tsMs: number): string {
    if (group.snapshotCache !== null) return group.snapshotCache;
    const jsons: string[] = [];
    for (const icao24 of group.members) {
      const json = this.board.json(icao24);
      if (json !== undefined) jsons.push(json);
    }
    group.snapshotCache = snapshotFrame(group.seq, tsMs, jsons);
    return group.snapshotCache;
  }

  /**
   * The group's compact snapshot: its members as the last tick announced them (so the next
   * delta's patch rows apply to exactly these records), stamped with that tick's ts.
   */
  compactSnapshot(group: Group<S>, tsMs: number): string {
    if (group.compactSnapshotCache !== null) return group.compactSnapshotCache;
    const baseMs = this.lastTickMs ?? tsMs;
    const rows: string[] = [];
    for (const icao24 of group.members) {
      const row = this.fullRow(icao24, baseMs);
      if (row !== undefined) rows.push(row);
    }
    group.compactSnapshotCache = snapshotFrame(group.seq, baseMs, rows);
    return group.compactSnapshotCache;
  }

  /** Routes one tick's board changes into per-group deltas; returns only non-empty frames. */
  tick(changes: BoardChanges, tsMs: number): GroupFrame<S>[] {
    this.lastTickMs = tsMs;
    this.patchRows.clear();
    this.fullRows.clear();
    for (const icao24 of changes.removes) {
      for (const g of this.memberOf.get(icao24) ?? NONE) {
        g.members.delete(icao24);
        g.removes.push(icao24);
      }
      this.memberOf.delete(icao24);
    }
    for (const icao24 of changes.upserts) {
      const track = this.board.get(icao24);
      if (track === undefined) continue;
      const before: readonly Group<S>[] = this.memberOf.get(icao24) ?? NONE;
      const after = this.groupsAt(track.lon, track.lat, this.scratch);
      for (const g of after) {
        g.members.add(icao24);
        g.upserts.push(icao24);
        if (before.includes(g)) continue;
        g.entering ??= new Set();
        g.entering.add(icao24);
      }
      for (const g of before) {
        if (after.includes(g)) continue;
        g.members.delete(icao24);
        g.removes.push(icao24);
      }
      // Most aircraft stay in the same groups: keep the array, allocate only on a change.
      if (after.length === 0) this.memberOf.delete(icao24);
      else if (!sameGroups(before, after)) this.memberOf.set(icao24, after.slice());
    }
    const out: GroupFrame<S>[] = [];
    for (const g of this.groups.values()) {
      g.snapshotCache = null;
      g.compactSnapshotCache = null;
      if (g.upserts.length === 0 && g.removes.length === 0) continue;
      g.seq += 1;
      out.push({
        group: g,
        json: g.jsonSubscribers === 0 ? null : deltaFrame(g.seq, tsMs, this.jsons(g.upserts), g.removes),
        compact: g.compactSubscribers === 0 ? null : deltaFrame(g.seq, tsMs, this.rows(g, tsMs), g.removes),
        upserts: g.upserts.length,
      });
      g.upserts = [];
      g.removes = [];
      g.entering = null;
    }
    return out;
  }

  private jsons(ids: readonly string[]): string[] {
    const out: string[] = [];
    for (const icao24 of ids) out.push(this.board.json(icao24) as string);
    return out;
  }

  /** Compact rows of a group's upserts: whole records for aircraft entering it, patches otherwise. */
  private rows(g: Group<S>, tsMs: number): string[] {
    const out: string[] = [];
    for (const icao24 of g.upserts) {
      const row = g.entering?.has(icao24) ? this.fullRow(icao24, tsMs) : this.patchRow(icao24, tsMs);
      out.push(row as string);
    }
    return out;
  }

  private patchRow(icao24: string, tsMs: number): string | undefined {
    let row = this.patchRows.get(icao24);
    if (row === undefined) {
      const a = this.board.announced(icao24);
      if (a?.sent == null) return undefined;
      row = compactRow(a.base, a.sent, tsMs);
      this.patchRows.set(icao24, row);
    }
    return row;
  }

  /** Rows relative to this tick's ts are shared by every group and snapshot until the next tick. */
  private fullRow(icao24: string, baseMs: number): string | undefined {
    const shared = baseMs === this.lastTickMs;
    let row = shared ? this.fullRows.get(icao24) : undefined;
    if (row === undefined) {
      const sent = this.board.announced(icao24)?.sent;
      if (sent == null) return undefined;
      row = fullRow(sent, baseMs);
      if (shared) this.fullRows.set(icao24, row);
    }
    return row;
  }

  /** The groups whose box holds the point, written into `out` (reused, so copy to keep it). */
  private groupsAt(lon: number, lat: number, out: Group<S>[]): Group<S>[] {
    out.length = 0;
    if (this.world !== null) out.push(this.world);
    for (const g of this.tiles.get(tileOf(lon, lat)) ?? NONE) if (g.contains(lon, lat)) out.push(g);
    return out;
  }

  private create(key: string, bbox: BBox | null): Group<S> {
    const group = new Group<S>(key, bbox, `g${this.nextTopic++}`);
    this.groups.set(key, group);
    if (bbox === null) this.world = group;
    else for (const t of tilesOf(bbox)) this.tiles.set(t, [...(this.tiles.get(t) ?? NONE), group]);
    // Members start as the announced aircraft now in the box; pending changes reach the
    // group with the next tick (re-sending a held aircraft or removing an absent one is harmless).
    for (const icao24 of this.board.ids()) {
      const track = this.board.get(icao24);
      // Only aircraft a tick has announced: one added and removed before the next tick is never
      // announced, so its removal would never reach this group either.
      if (track === undefined || !this.board.isPublished(icao24)) continue;
      if (!group.contains(track.lon, track.lat)) continue;
      group.members.add(icao24);
      this.memberOf.set(icao24, [...(this.memberOf.get(icao24) ?? NONE), group]);
    }
    return group;
  }

  private destroy(group: Group<S>): void {
    this.groups.delete(group.key);
    if (group.bbox === null) this.world = null;
    else {
      for (const t of tilesOf(group.bbox)) {
        const rest = (this.tiles.get(t) ?? NONE).filter((g) => g !== group);
        if (rest.length === 0) this.tiles.delete(t);
        else this.tiles.set(t, rest);
      }
    }
    for (const icao24 of group.members) {
      const rest = (this.memberOf.get(icao24) ?? NONE).filter((g) => g !== group);
      if (rest.length === 0) this.memberOf.delete(icao24);
      else this.memberOf.set(icao24, rest);
    }
  }
}

function sameGroups<S>(a: readonly Group<S>[], b: readonly Group<S>[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
