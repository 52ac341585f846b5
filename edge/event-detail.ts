import { haversineM } from '../actors/geo.ts';
import type { AnomalyEvent, EventDetail, LastKnown, Track } from '../runtime/contract/index.ts';
import type { PlaybackSource } from './playback.ts';
import { Trail, type TrailPoint } from './trail.ts';

/**
 * GET /anomalies/{id}: what an event card needs even when the aircraft is gone (docs/edge.md).
 * The window and the shaping are pure; the reads come from PostGIS (`EventHistory`) or, without
 * a database, from the edge's memory (`EventMemory`: longer trails kept for aircraft with
 * recent alerts).
 */
export type { EventDetail, LastKnown };

/** The trail runs from this long before the event started... */
export const EVENT_TRAIL_BEFORE_MS = 5 * 60_000;
/** ...to this long after it ended (or was detected, while open). */
export const EVENT_TRAIL_AFTER_MS = 5 * 60_000;
export const EVENT_TRAIL_MAX_POINTS = 2_000;
/** "Aircraft seen nearby meanwhile" (signal_lost): within this of the last known position. */
export const NEARBY_RADIUS_M = 50_000;
export const NEARBY_MAX_IDS = 50;
/** How far back "last known" looks in the history. */
export const LAST_KNOWN_LOOKBACK_MS = 86_400_000;

/** Aircraft other than icao24 with a fix within radiusM metres of (lon, lat) in [fromMs, toMs]. */
export interface NearbyQuery {
  icao24: string;
  lon: number;
  lat: number;
  radiusM: number;
  fromMs: number;
  toMs: number;
  /** Ids returned at most (the count is of all). */
  limit: number;
}

/** PostGIS reads behind the event card and playback (runtime/db/event-queries.ts, playback-queries.ts). */
export interface EventHistory {
  anomalyById(id: string): Promise<AnomalyEvent | null>;
  trail(icao24: string, fromMs: number, toMs: number, maxPoints: number): Promise<TrailPoint[]>;
  /** The newest row of the aircraft not older than sinceMs. */
  lastKnown(icao24: string, sinceMs: number): Promise<LastKnown | null>;
  nearby(q: NearbyQuery): Promise<{ count: number; icao24s: string[] }>;
  playback: PlaybackSource;
}

const ANOMALY_ID = /^(rapid_descent|go_around|emergency_squawk|signal_lost):[0-9a-f]{6}:[0-9]{1,16}$/;

/** The {id} path parameter (percent-decoded): `type:icao24:started_at`. */
export function checkAnomalyId(raw: string): { ok: true; value: string } | { ok: false; error: string } {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    return { ok: false, error: 'malformed percent-encoding in the anomaly id' };
  }
  return ANOMALY_ID.test(id)
    ? { ok: true, value: id }
    : { ok: false, error: 'anomaly id must be type:icao24:started_at' };
}

/**
 * The trail window around an event. Not capped at now: a replay publishes recorded spacing
 * from its start, so its fixes run ahead of the wall clock (and live, nothing is after now).
 */
export function eventWindow(e: AnomalyEvent): { fromMs: number; toMs: number } {
  const endMs = e.ended_at ?? Math.max(e.detected_at, e.started_at);
  return { fromMs: e.started_at - EVENT_TRAIL_BEFORE_MS, toMs: endMs + EVENT_TRAIL_AFTER_MS };
}

/** The silence of a signal_lost (from the last fix to the first again, or to now). */
export function silenceWindow(e: AnomalyEvent, nowMs: number): { fromMs: number; toMs: number } | null {
  if (e.type !== 'signal_lost') return null;
  return { fromMs: e.started_at, toMs: Math.max(e.started_at, e.ended_at ?? nowMs) };
}

/**
 * The trail with the event's own point in it (the low point of a go-around, where a signal was
 * lost): a sampled trail (5 s apart in memory, thinned from PostGIS) could step over it. A trail
 * point at the same time gives way to it: the trail is smoothed, the event may say what the
 * aircraft reported (go_around's low point is the reported altitude), and the card shows the two
 * together.
 */
export function withEventPoint(points: readonly TrailPoint[], e: AnomalyEvent): TrailPoint[] {
  const p: TrailPoint = [e.started_at, e.lat, e.lon, e.alt_m];
  const out = points.slice();
  const same = out.findIndex((q) => q[0] === p[0]);
  if (same >= 0) {
    out[same] = p;
    return out;
  }
  const i = out.findIndex((q) => q[0] > p[0]);
  if (i < 0) out.push(p);
  else out.splice(i, 0, p);
  return out;
}

export const lastFromTrack = (t: Track): LastKnown => ({
  icao24: t.icao24,
  callsign: t.callsign,
  ts: t.ts,
  lat: t.lat,
  lon: t.lon,
  alt_m: t.alt_m,
  speed_ms: t.speed_ms,
  track_deg: t.track_deg,
  vrate_ms: t.vrate_ms,
  on_ground: t.on_ground,
  squawk: t.squawk,
});

/** Memory trails: 30 minutes at 5 s spacing per remembered aircraft (~12 KB each). */
export const MEMORY_TRAIL = { maxPoints: 360, maxAgeMs: 30 * 60_000, minSpacingMs: 5_000 };
/** An aircraft is remembered until this long after its latest event's end (or detection). */
export const MEMORY_KEEP_MS = 30 * 60_000;
export const MEMORY_MAX_AIRCRAFT = 1_000;

interface Remembered {
  trail: Trail;
  last: Track;
  untilMs: number;
}

/**
 * Without a database: the trail and last state of aircraft with recent alerts, kept after they
 * leave the board (the board's own trail is 10 minutes and goes with the aircraft). Seeded with
 * the board's trail when the alert arrives, extended by `observe` each tick, bounded in count.
 */
export class EventMemory {
  private readonly byIcao = new Map<string, Remembered>();

  get size(): number {
    return this.byIcao.size;
  }

  remember(
    e: AnomalyEvent,
    boardTrail: readonly TrailPoint[] | undefined,
    track: Track | undefined,
    nowMs: number,
  ): void {
    const untilMs = Math.max(nowMs, e.ended_at ?? e.detected_at) + MEMORY_KEEP_MS;
    const had = this.byIcao.get(e.icao24);
    if (had !== undefined) {
      had.untilMs = Math.max(had.untilMs, untilMs);
      if (track !== undefined) this.push(had, track);
      return;
    }
    if (this.byIcao.size >= MEMORY_MAX_AIRCRAFT) {
      // Forget the one due to go first.
      let first: string | null = null;
      let firstUntil = Number.POSITIVE_INFINITY;
      for (const [id, r] of this.byIcao) if (r.untilMs < firstUntil) [first, firstUntil] = [id, r.untilMs];
      if (first !== null) this.byIcao.delete(first);
    }
    const trail = new Trail(MEMORY_TRAIL);
    for (const p of boardTrail ?? []) trail.push(p[0], p[1], p[2], p[3]);
    const last: Track = track ?? {
      icao24: e.icao24,
      callsign: e.callsign,
      lat: e.lat,
      lon: e.lon,
      alt_m: e.alt_m,
      speed_ms: null,
      track_deg: null,
      vrate_ms: null,
      on_ground: false,
      squawk: null,
      ts: e.started_at,
      anomalies: [],
    };
    const r: Remembered = { trail, last, untilMs };
    if (track !== undefined) this.push(r, track);
    this.byIcao.set(e.icao24, r);
  }

  /** Extends the remembered aircraft's trails from the board; forgets those whose time is up. */
  observe(get: (icao24: string) => Track | undefined, nowMs: number): void {
    for (const [id, r] of this.byIcao) {
      if (r.untilMs < nowMs) {
        this.byIcao.delete(id);
        continue;
      }
      const t = get(id);
      if (t !== undefined) this.push(r, t);
    }
  }

  private push(r: Remembered, t: Track): void {
    if (t.ts < r.last.ts) return;
    r.last = t;
    r.trail.push(t.ts, t.lat, t.lon, t.alt_m);
  }

  trail(icao24: string, fromMs: number, toMs: number): TrailPoint[] | null {
    const r = this.byIcao.get(icao24);
    return r === undefined ? null : r.trail.points().filter((p) => p[0] >= fromMs && p[0] <= toMs);
  }

  last(icao24: string): Track | undefined {
    return this.byIcao.get(icao24)?.last;
  }
}

/**
 * Without a database: aircraft on the board now, other than the subject, within radiusM of
 * (lat, lon) whose latest fix is in [fromMs, toMs + staleness]: those seen since the silence began.
 */
export function nearbyOnBoard(
  tracks: Iterable<Track>,
  q: { icao24: string; lat: number; lon: number; radiusM: number; fromMs: number; limit: number },
): { count: number; icao24s: string[] } {
  const ids: string[] = [];
  for (const t of tracks) {
    if (t.icao24 === q.icao24 || t.ts < q.fromMs) continue;
    if (haversineM(q.lat, q.lon, t.lat, t.lon) <= q.radiusM) ids.push(t.icao24);
  }
  ids.sort();
  return { count: ids.length, icao24s: ids.slice(0, q.limit) };
}

/** What `loadEventDetail` reads: the database when there is one, else the edge's memory. */
export interface EventDetailDeps {
  history: EventHistory | undefined;
  /** The edge's last 1,000 events (also consulted with a database: not yet committed ones). */
  logged(id: string): AnomalyEvent | undefined;
  memory: EventMemory;
  board: {
    get(icao24: string): Track | undefined;
    trail(icao24: string): TrailPoint[] | undefined;
    tracks(): Track[];
  };
  nowMs: number;
}

/** The event card's data, or null when the event is unknown. */
export async function loadEventDetail(id: string, d: EventDetailDeps): Promise<EventDetail | null> {
  const h = d.history;
  const event = (h ? await h.anomalyById(id) : null) ?? d.logged(id) ?? null;
  if (event === null) return null;
  const win = eventWindow(event);
  const silence = silenceWindow(event, d.nowMs);
  const onBoard = d.board.get(event.icao24);
  const nearbyOf = (n: { count: number; icao24s: string[] }, w: { fromMs: number; toMs: number }) => ({
    radius_m: NEARBY_RADIUS_M,
    from: w.fromMs,
    to: w.toMs,
    ...n,
  });
  if (h) {
    const [points, last, near] = await Promise.all([
      h.trail(event.icao24, win.fromMs, win.toMs, EVENT_TRAIL_MAX_POINTS),
      h.lastKnown(event.icao24, Math.min(d.nowMs, event.started_at) - LAST_KNOWN_LOOKBACK_MS),
      silence
        ? h.nearby({
            icao24: event.icao24,
            lon: event.lon,
            lat: event.lat,
            radiusM: NEARBY_RADIUS_M,
            fromMs: silence.fromMs,
            toMs: silence.toMs,
            limit: NEARBY_MAX_IDS,
          })
        : null,
    ]);
    return {
      event,
      source: 'postgis',
      on_board: onBoard !== undefined,
      last: onBoard ? lastFromTrack(onBoard) : last,
      trail: { from: win.fromMs, to: win.toMs, points: withEventPoint(points, event) },
      nearby: near && silence ? nearbyOf(near, silence) : null,
    };
  }
  const kept = d.memory.trail(event.icao24, win.fromMs, win.toMs);
  const points =
    kept ?? (d.board.trail(event.icao24) ?? []).filter((p) => p[0] >= win.fromMs && p[0] <= win.toMs);
  const lastTrack = onBoard ?? d.memory.last(event.icao24);
  return {
    event,
    source: 'memory',
    on_board: onBoard !== undefined,
    last: lastTrack ? lastFromTrack(lastTrack) : null,
    trail: { from: win.fromMs, to: win.toMs, points: withEventPoint(points, event) },
    nearby: silence
      ? nearbyOf(
          nearbyOnBoard(d.board.tracks(), {
            icao24: event.icao24,
            lat: event.lat,
            lon: event.lon,
            radiusM: NEARBY_RADIUS_M,
            fromMs: silence.fromMs,
            limit: NEARBY_MAX_IDS,
          }),
          silence,
        )
      : null,
  };
}
