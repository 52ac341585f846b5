import { fullRow } from '../runtime/contract/compact.ts';
import type { BBox, PlaybackStatus, Track } from '../runtime/contract/index.ts';
import { normalizeTrack, trackJson } from '../runtime/contract/track-json.ts';
import { parseClientMessage } from './fanout.ts';
import { deltaFrame, snapshotFrame } from './frames.ts';
import type { Encoding } from './groups.ts';

/**
 * Playback of flights_history over `/ws/playback` (docs/edge.md): the same snapshot/delta frames
 * as live, with `ts` the playback time. Each tick asks the source for the slice of history that
 * the playback clock crossed since the previous frame; the source returns at most one row per
 * aircraft (its newest fix in the slice), so memory is bounded by the aircraft in view (the
 * `held` map: icao24 -> ts), never by the window. Aircraft silent for `staleMs` of playback time
 * are removed, as the live board expires them.
 */
export interface PlaybackSource {
  /** Each aircraft's newest fix with afterMs < ts <= toMs inside bbox, as Tracks. */
  slice(afterMs: number, toMs: number, bbox: BBox | null): Promise<Track[]>;
}

export const PLAYBACK_MIN_SPEED = 1;
export const PLAYBACK_MAX_SPEED = 60;

export interface PlaybackOptions {
  fromMs: number;
  toMs: number;
  /** Where playback starts (default fromMs). */
  atMs?: number;
  speed: number;
  bbox: BBox | null;
  encoding: Encoding;
  /** Playback time an aircraft stays without a fix before it is removed (the live STALE_AFTER_S). */
  staleMs: number;
  /**
   * A frame covers at most max(maxSliceMs, 2 ticks at the current speed) of playback time: when the
   * database is slower than the clock the next frame shows the newest slice and skips the rows in
   * between, instead of a larger slice that would be slower still (and fall further behind).
   */
  maxSliceMs: number;
  /** The tick period (the edge's WS_TICK_HZ). */
  tickMs: number;
  /** Starts paused. */
  paused?: boolean;
}

/** Client messages on /ws/playback, besides the live protocol's subscribe and resync. */
export type PlaybackControl =
  | { type: 'play'; speed?: number }
  | { type: 'pause' }
  | { type: 'seek'; ts: number }
  | { type: 'speed'; speed: number }
  | { type: 'subscribe'; bbox: BBox | null }
  | { type: 'resync' };

/** One frame's figures (for the benchmark and the metrics). */
export interface PlaybackFrameStat {
  /** Playback time the frame shows. */
  atMs: number;
  /** Rows (aircraft) the source returned. */
  rows: number;
  removes: number;
  /** How long the source took. */
  queryMs: number;
  /** Playback time the clock had reached when the frame was sent, minus atMs (>= 0: behind). */
  lagMs: number;
  bytes: number;
}

/** A seek, subscribe or speed change in flight at most, plus these waiting; more closes the socket. */
export const PLAYBACK_MAX_QUEUED = 8;

export class PlaybackSession {
  private atMs: number;
  private speed: number;
  private paused: boolean;
  private ended = false;
  private bbox: BBox | null;
  private seq = 0;
  /** Aircraft the client holds -> their last fix's ts (playback time). */
  private readonly held = new Map<string, number>();
  /** Playback clock: at wall time anchorWallMs the playback time was anchorAtMs. */
  private anchorWallMs = 0;
  private anchorAtMs = 0;
  private busy: Promise<void> = Promise.resolve();
  private queued = 0;
  private ticking = false;
  private closed = false;
  readonly stats: PlaybackFrameStat[] = [];

  constructor(
    private readonly source: PlaybackSource,
    private readonly o: PlaybackOptions,
    private readonly send: (text: string) => void,
    private readonly wallNow: () => number,
    private readonly maxStats = 10_000,
  ) {
    this.atMs = clamp(o.atMs ?? o.fromMs, o.fromMs, o.toMs);
    this.speed = o.speed;
    this.paused = o.paused === true;
    this.bbox = o.bbox;
  }

  /** The status frame first, then the snapshot at the start time. */
  start(): Promise<void> {
    return this.run(async () => {
      this.anchor();
      await this.snapshot();
    });
  }

  close(): void {
    this.closed = true;
  }

  /** Playback time the clock shows now. */
  clockMs(): number {
    if (this.paused || this.ended) return this.atMs;
    return Math.min(this.o.toMs, this.anchorAtMs + (this.wallNow() - this.anchorWallMs) * this.speed);
  }

  /** One frame: the slice from the last frame to the clock. Skipped while the previous one runs. */
  tick(): Promise<void> {
    if (this.ticking || this.paused || this.ended || this.closed || this.queued > 0) return Promise.resolve();
    this.ticking = true;
    return this.busy
      .then(() => this.advance())
      .finally(() => {
        this.ticking = false;
      });
  }

  /**
   * Applies a client message after the work in flight; null when too many are waiting (the
   * caller closes the socket).
   */
  control(c: PlaybackControl): Promise<void> | null {
    if (this.queued >= PLAYBACK_MAX_QUEUED) return null;
    this.queued++;
    return this.run(async () => {
      this.queued--;
      await this.apply(c);
    });
  }

  private async apply(c: PlaybackControl): Promise<void> {
    switch (c.type) {
      case 'pause':
        this.atMs = this.clockMs();
        this.paused = true;
        this.sendStatus();
        return;
      case 'play':
        if (c.speed !== undefined) this.speed = c.speed;
        if (this.ended) {
          this.ended = false;
          this.atMs = this.o.fromMs;
          this.paused = false;
          this.anchor();
          await this.snapshot();
          return;
        }
        this.paused = false;
        this.anchor();
        this.sendStatus();
        return;
      case 'speed':
        this.atMs = this.clockMs();
        this.speed = c.speed;
        this.anchor();
        this.sendStatus();
        return;
      case 'seek':
        this.atMs = clamp(c.ts, this.o.fromMs, this.o.toMs);
        this.ended = false;
        this.anchor();
        await this.snapshot();
        return;
      case 'subscribe':
        this.bbox = c.bbox;
        this.atMs = this.clockMs();
        this.anchor();
        await this.snapshot();
        return;
      case 'resync':
        this.atMs = this.clockMs();
        this.anchor();
        await this.snapshot();
        return;
    }
  }

  private run(work: () => Promise<void>): Promise<void> {
    const next = this.busy.then(() => (this.closed ? undefined : work()));
    this.busy = next.catch(() => {});
    return next;
  }

  private anchor(): void {
    this.anchorWallMs = this.wallNow();
    this.anchorAtMs = this.atMs;
  }

  private async snapshot(): Promise<void> {
    const t0 = performance.now();
    const tracks = await this.source.slice(this.atMs - this.o.staleMs, this.atMs, this.bbox);
    const queryMs = performance.now() - t0;
    if (this.closed) return;
    this.held.clear();
    for (const t of tracks) this.held.set(t.icao24, t.ts);
    // The clock starts when the client has the snapshot, not while the query ran.
    this.anchor();
    this.sendStatus();
    const text = snapshotFrame(this.seq, this.atMs, this.rows(tracks, this.atMs));
    this.send(text);
    this.record(this.atMs, tracks.length, 0, queryMs, text.length);
  }

  private async advance(): Promise<void> {
    if (this.paused || this.ended || this.closed) return;
    const target = this.clockMs();
    if (target <= this.atMs) return;
    // A database slower than the clock: show the newest slice instead of queueing old ones.
    const sliceMs = Math.max(this.o.maxSliceMs, 2 * this.speed * this.o.tickMs);
    const after = Math.max(this.atMs, target - sliceMs);
    const t0 = performance.now();
    const tracks = await this.source.slice(after, target, this.bbox);
    const queryMs = performance.now() - t0;
    if (this.closed || this.paused) return;
    this.atMs = target;
    for (const t of tracks) this.held.set(t.icao24, t.ts);
    const oldest = target - this.o.staleMs;
    const removes: string[] = [];
    for (const [id, ts] of this.held) if (ts <= oldest) removes.push(id);
    for (const id of removes) this.held.delete(id);
    if (target >= this.o.toMs) this.ended = true;
    if (tracks.length > 0 || removes.length > 0) {
      this.seq++;
      const text = deltaFrame(this.seq, target, this.rows(tracks, target), removes);
      this.send(text);
      this.record(target, tracks.length, removes.length, queryMs, text.length);
    }
    if (this.ended) this.sendStatus();
  }

  private rows(tracks: Track[], frameTs: number): string[] {
    return this.o.encoding === 'compact'
      ? tracks.map((t) => fullRow(normalizeTrack(t, t.anomalies), frameTs))
      : tracks.map((t) => trackJson(normalizeTrack(t, t.anomalies)));
  }

  private record(atMs: number, rows: number, removes: number, queryMs: number, bytes: number): void {
    if (this.stats.length >= this.maxStats) this.stats.splice(0, this.maxStats / 2);
    this.stats.push({ atMs, rows, removes, queryMs, lagMs: this.clockMs() - atMs, bytes });
  }

  status(): PlaybackStatus {
    return {
      type: 'playback',
      from: this.o.fromMs,
      to: this.o.toMs,
      at: Math.round(this.clockMs()),
      speed: this.speed,
      paused: this.paused,
      ended: this.ended,
    };
  }

  private sendStatus(): void {
    this.send(JSON.stringify(this.status()));
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

const checkSpeed = (x: unknown): number | string =>
  typeof x === 'number' && Number.isFinite(x) && x >= PLAYBACK_MIN_SPEED && x <= PLAYBACK_MAX_SPEED
    ? x
    : `speed must be a number from ${PLAYBACK_MIN_SPEED} to ${PLAYBACK_MAX_SPEED}`;

/** Parses a /ws/playback client message; returns the reason when it is not a valid one. */
export function parsePlaybackMessage(text: string): PlaybackControl | string {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return 'message is not JSON';
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return 'message must be a JSON object';
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'pause':
      return { type: 'pause' };
    case 'play': {
      if (m.speed === undefined) return { type: 'play' };
      const s = checkSpeed(m.speed);
      return typeof s === 'string' ? s : { type: 'play', speed: s };
    }
    case 'speed': {
      const s = checkSpeed(m.speed);
      return typeof s === 'string' ? s : { type: 'speed', speed: s };
    }
    case 'seek':
      return typeof m.ts === 'number' && Number.isSafeInteger(m.ts) && m.ts >= 0
        ? { type: 'seek', ts: m.ts }
        : 'seek needs ts: a non-negative integer (ms epoch)';
    case 'subscribe':
    case 'resync':
      return parseClientMessage(text);
    default:
      return 'type must be one of play, pause, seek, speed, subscribe, resync';
  }
}

/** Checks `/ws/playback` query values: from/to (ms epoch), at, speed, paused. */
export function checkPlaybackQuery(
  q: Record<string, string>,
  nowMs: number,
  maxSpanMs: number,
):
  | { ok: true; value: { fromMs: number; toMs: number; atMs: number; speed: number; paused: boolean } }
  | {
      ok: false;
      error: string;
    } {
  const int = (name: string): number | undefined | string => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    return /^\d{1,16}$/.test(v) ? Number(v) : `${name} must be a non-negative integer (ms epoch)`;
  };
  const from = int('from');
  const to = int('to');
  const at = int('at');
  for (const v of [from, to, at]) if (typeof v === 'string') return { ok: false, error: v };
  const toMs = Math.min(nowMs, (to as number | undefined) ?? nowMs);
  const fromMs = (from as number | undefined) ?? toMs - 3_600_000;
  if (fromMs >= toMs) return { ok: false, error: 'from must be before to (and before now)' };
  if (toMs - fromMs > maxSpanMs) return { ok: false, error: 'from..to spans more than 7 days' };
  let speed = 1;
  if (q.speed !== undefined && q.speed !== '') {
    const s = checkSpeed(Number(q.speed));
    if (typeof s === 'string' || !/^\d+(\.\d+)?$/.test(q.speed))
      return { ok: false, error: typeof s === 'string' ? s : 'speed must be a number' };
    speed = s;
  }
  const paused = q.paused === '1' || q.paused === 'true';
  if (q.paused !== undefined && q.paused !== '' && !['0', '1', 'true', 'false'].includes(q.paused))
    return { ok: false, error: 'paused must be 0, 1, true or false' };
  const atMs = clamp((at as number | undefined) ?? fromMs, fromMs, toMs);
  return { ok: true, value: { fromMs, toMs, atMs, speed, paused } };
}
