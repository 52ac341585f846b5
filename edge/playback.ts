import { fullRow } from '../runtime/contract/compact.ts';
import type { BBox, PlaybackStatus, Track } from '../runtime/contract/index.ts';
import { normalizeTrack, trackJson } from '../runtime/contract/track-json.ts';
import { parseClientMessage, parseMessageObject } from './fanout.ts';
import { deltaFrame, snapshotFrame } from './frames.ts';
import type { Encoding } from './groups.ts';

/**
 * Playback of flights_history over `/ws/playback` (docs/edge.md): the same snapshot/delta frames
 * as live, with `ts` the playback time. Frames lie on a grid of playback time, one tick of the
 * edge apart at the current speed (`frameMs` = speed x tickMs, from the point the clock was last
 * anchored), and each is sent when the playback clock reaches it. The rows come from the source
 * ahead of time, a chunk of `readAheadFrames` frames per query (one query per second of wall time
 * at the default 4 Hz, whatever the speed), each frame holding at most one row per aircraft (its
 * newest fix in that frame's slice of time): so the query for the next second runs while this one
 * plays, a slow query delays no frame as long as the database keeps up on average, and memory is
 * bounded by the aircraft in view times at most two chunks of frames, never by the window.
 * Aircraft silent for `staleMs` of playback time are removed, as the live board expires them.
 */
export interface PlaybackSource {
  /**
   * For consecutive slices of playback time, frame i being bounds[i] < ts <= bounds[i + 1]: each
   * aircraft's newest fix in that slice inside bbox (null: everywhere), as Tracks.
   */
  frames(boundsMs: readonly number[], bbox: BBox | null): Promise<Track[][]>;
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
   * When the database is slower than the clock, the next frame covers at most max(maxSliceMs,
   * 2 frames) of playback time and the rows before are skipped: the newest slice, instead of a
   * larger one that would be slower still (and fall further behind).
   */
  maxSliceMs: number;
  /** The tick period (the edge's WS_TICK_HZ): frames are this much wall time apart. */
  tickMs: number;
  /** Frames asked for per query, and read ahead (default 4: one second at 4 Hz). */
  readAheadFrames?: number;
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
  /** Rows (aircraft) in the frame. */
  rows: number;
  removes: number;
  /** Playback time the clock had reached when the frame was sent, minus atMs (>= 0: behind). */
  lagMs: number;
  bytes: number;
}

/** One query's figures: the frames it read ahead and how long the source took. */
export interface PlaybackQueryStat {
  frames: number;
  rows: number;
  queryMs: number;
}

/** A seek, subscribe or speed change in flight at most, plus these waiting; more closes the socket. */
export const PLAYBACK_MAX_QUEUED = 8;

interface AheadFrame {
  toMs: number;
  tracks: Track[];
}

export class PlaybackSession {
  /** Playback time of the last frame sent: what the client shows. */
  private atMs: number;
  private speed: number;
  private paused: boolean;
  private ended = false;
  private bbox: BBox | null;
  private seq = 0;
  /** Aircraft the client holds -> their last fix's ts (playback time). */
  private readonly held = new Map<string, number>();
  /** Playback clock: at wall time anchorWallMs the playback time was anchorAtMs; frames on its grid. */
  private anchorWallMs = 0;
  private anchorAtMs = 0;
  /** Frames read but not sent yet, in order: they cover (atMs, fetchedToMs]. */
  private ahead: AheadFrame[] = [];
  private fetchedToMs: number;
  private fetching: Promise<void> | null = null;
  /** Bumped by every re-anchoring: a read for an older grid is dropped. */
  private generation = 0;
  private busy: Promise<void> = Promise.resolve();
  private queued = 0;
  private ticking = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  readonly stats: PlaybackFrameStat[] = [];
  readonly queryStats: PlaybackQueryStat[] = [];
  private readonly readAhead: number;

  constructor(
    private readonly source: PlaybackSource,
    private readonly o: PlaybackOptions,
    private readonly send: (text: string) => void,
    private readonly wallNow: () => number,
    private readonly maxStats = 10_000,
    /**
     * Wakes the session when its next frame is due (the server passes setTimeout); without it the
     * caller's tick() is the only clock (tests).
     */
    private readonly schedule?: (run: () => void, delayMs: number) => ReturnType<typeof setTimeout>,
  ) {
    this.atMs = clamp(o.atMs ?? o.fromMs, o.fromMs, o.toMs);
    this.fetchedToMs = this.atMs;
    this.speed = o.speed;
    this.paused = o.paused === true;
    this.bbox = o.bbox;
    this.readAhead = Math.max(1, o.readAheadFrames ?? 4);
  }

  /** The status frame first, then the snapshot at the start time. */
  start(): Promise<void> {
    return this.run(() => this.snapshot()).finally(() => this.wake());
  }

  close(): void {
    this.closed = true;
    this.unschedule();
  }

  /** Playback time of the last frame sent (what the client shows). */
  shownMs(): number {
    return this.atMs;
  }

  /** Playback time the clock shows now. */
  clockMs(): number {
    if (this.paused || this.ended) return this.anchorAtMs;
    return Math.min(this.o.toMs, this.anchorAtMs + (this.wallNow() - this.anchorWallMs) * this.speed);
  }

  /** Playback time between two frames at the current speed (whole ms). */
  private frameMs(): number {
    return Math.max(1, Math.round(this.speed * this.o.tickMs));
  }

  /** The newest frame time the clock has reached: a grid point, or the end of the window. */
  private dueMs(): number {
    const clock = this.clockMs();
    if (clock >= this.o.toMs) return this.o.toMs;
    const f = this.frameMs();
    return this.anchorAtMs + Math.floor((clock - this.anchorAtMs) / f) * f;
  }

  /** Sends the frames that are due, reading them first if the read-ahead has not. */
  tick(): Promise<void> {
    if (this.ticking || this.paused || this.ended || this.closed || this.queued > 0) return Promise.resolve();
    this.ticking = true;
    return this.busy
      .then(() => this.advance())
      .finally(() => {
        this.ticking = false;
        this.wake();
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
    }).finally(() => this.wake());
  }

  private async apply(c: PlaybackControl): Promise<void> {
    switch (c.type) {
      case 'pause':
        // Paused where the client is: the last frame sent.
        this.paused = true;
        this.anchor(this.atMs);
        this.sendStatus();
        return;
      case 'play':
        if (c.speed !== undefined) this.speed = c.speed;
        if (this.ended) {
          this.ended = false;
          this.paused = false;
          this.atMs = this.o.fromMs;
          await this.snapshot();
          return;
        }
        this.paused = false;
        this.anchor(this.atMs);
        this.sendStatus();
        return;
      case 'speed': {
        const at = this.clockMs();
        this.speed = c.speed;
        this.anchor(at);
        this.sendStatus();
        return;
      }
      case 'seek':
        this.atMs = clamp(c.ts, this.o.fromMs, this.o.toMs);
        this.ended = false;
        await this.snapshot();
        return;
      case 'subscribe':
        this.bbox = c.bbox;
        this.atMs = this.clockMs();
        await this.snapshot();
        return;
      case 'resync':
        this.atMs = this.clockMs();
        await this.snapshot();
        return;
    }
  }

  private run(work: () => Promise<void>): Promise<void> {
    const next = this.busy.then(() => (this.closed ? undefined : work()));
    this.busy = next.catch(() => {});
    return next;
  }

  /** Restarts the clock (and the frame grid) at playback time atMs; what was read ahead is dropped. */
  private anchor(atMs: number): void {
    this.anchorWallMs = this.wallNow();
    this.anchorAtMs = atMs;
    this.generation++;
    this.ahead = [];
    this.fetchedToMs = this.atMs;
    this.fetching = null;
  }

  private async snapshot(): Promise<void> {
    this.anchor(this.atMs);
    const t0 = performance.now();
    const [tracks] = await this.source.frames([this.atMs - this.o.staleMs, this.atMs], this.bbox);
    this.recordQuery(1, tracks.length, performance.now() - t0);
    if (this.closed) return;
    this.held.clear();
    for (const t of tracks) this.held.set(t.icao24, t.ts);
    // The clock starts when the client has the snapshot, not while the query ran.
    this.anchor(this.atMs);
    this.sendStatus();
    const text = snapshotFrame(this.seq, this.atMs, this.rows(tracks, this.atMs));
    this.send(text);
    this.record(this.atMs, tracks.length, 0, text.length);
    this.readMore();
  }

  /**
   * Reads the next chunk of frames unless one is being read or enough are waiting. `dueMs`: the
   * frame that must be in it (a tick found it missing); when that is more than a slice ahead of
   * what was read, the rows in between are skipped.
   */
  private readMore(dueMs?: number): Promise<void> {
    if (this.fetching !== null) return this.fetching;
    if (this.closed || this.ended || this.fetchedToMs >= this.o.toMs) return Promise.resolve();
    if (dueMs === undefined && this.ahead.length >= this.readAhead) return Promise.resolve();
    const f = this.frameMs();
    let from = this.fetchedToMs;
    if (dueMs !== undefined) from = Math.max(from, dueMs - Math.max(this.o.maxSliceMs, 2 * f));
    // The grid points after `from`, then as many more as the read-ahead asks.
    const bounds = [from];
    let next = this.anchorAtMs + (Math.floor((from - this.anchorAtMs) / f) + 1) * f;
    const until = dueMs ?? from;
    while (bounds.length <= this.readAhead || (bounds.at(-1) as number) < until) {
      const b = Math.min(next, this.o.toMs);
      bounds.push(b);
      if (b >= this.o.toMs) break;
      next += f;
    }
    const generation = this.generation;
    const t0 = performance.now();
    const read = this.source.frames(bounds, this.bbox).then((frames) => {
      if (generation !== this.generation || this.closed) return;
      let rows = 0;
      for (let i = 0; i < frames.length; i++) {
        this.ahead.push({ toMs: bounds[i + 1], tracks: frames[i] });
        rows += frames[i].length;
      }
      this.fetchedToMs = bounds[bounds.length - 1];
      this.recordQuery(frames.length, rows, performance.now() - t0);
    });
    const done = read.finally(() => {
      if (this.fetching === done) this.fetching = null;
    });
    this.fetching = done;
    return done;
  }

  private async advance(): Promise<void> {
    // A read in flight for an older grid, or one that stopped short of the due frame: read again.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.paused || this.ended || this.closed) return;
      const due = this.dueMs();
      if (due <= this.atMs) break;
      if (this.fetchedToMs >= due) {
        this.emit(due);
        break;
      }
      await this.readMore(this.fetching === null ? due : undefined);
    }
    this.readMore().catch(() => {});
  }

  /** One delta for the frames up to `due` (several, merged, when a tick came late). */
  private emit(due: number): void {
    let n = 0;
    while (n < this.ahead.length && this.ahead[n].toMs <= due) n++;
    const frames = this.ahead.splice(0, n);
    let tracks: Track[];
    if (frames.length === 1) tracks = frames[0].tracks;
    else {
      const newest = new Map<string, Track>();
      for (const fr of frames) for (const t of fr.tracks) newest.set(t.icao24, t);
      tracks = [...newest.values()];
    }
    this.atMs = due;
    for (const t of tracks) this.held.set(t.icao24, t.ts);
    const oldest = due - this.o.staleMs;
    const removes: string[] = [];
    for (const [id, ts] of this.held) if (ts <= oldest) removes.push(id);
    for (const id of removes) this.held.delete(id);
    if (due >= this.o.toMs) {
      this.ended = true;
      this.anchor(this.o.toMs);
    }
    if (tracks.length > 0 || removes.length > 0) {
      this.seq++;
      const text = deltaFrame(this.seq, due, this.rows(tracks, due), removes);
      this.send(text);
      this.record(due, tracks.length, removes.length, text.length);
    }
    if (this.ended) this.sendStatus();
  }

  /** With a scheduler: a timer for the next grid point (the edge's tick is the fallback). */
  private wake(): void {
    if (this.schedule === undefined) return;
    this.unschedule();
    if (this.paused || this.ended || this.closed) return;
    const f = this.frameMs();
    const next = Math.min(this.o.toMs, this.atMs + f - ((((this.atMs - this.anchorAtMs) % f) + f) % f));
    // Whole ms, rounded up: a timer that fires a fraction early would find nothing due.
    const delay = Math.max(
      0,
      Math.ceil((next - this.anchorAtMs) / this.speed - (this.wallNow() - this.anchorWallMs)),
    );
    this.timer = this.schedule(() => {
      this.timer = null;
      this.tick().catch(() => {});
    }, delay);
  }

  private unschedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private rows(tracks: Track[], frameTs: number): string[] {
    return this.o.encoding === 'compact'
      ? tracks.map((t) => fullRow(normalizeTrack(t, t.anomalies), frameTs))
      : tracks.map((t) => trackJson(normalizeTrack(t, t.anomalies)));
  }

  private record(atMs: number, rows: number, removes: number, bytes: number): void {
    if (this.stats.length >= this.maxStats) this.stats.splice(0, this.maxStats / 2);
    this.stats.push({ atMs, rows, removes, lagMs: this.clockMs() - atMs, bytes });
  }

  private recordQuery(frames: number, rows: number, queryMs: number): void {
    if (this.queryStats.length >= this.maxStats) this.queryStats.splice(0, this.maxStats / 2);
    this.queryStats.push({ frames, rows, queryMs });
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
  const m = parseMessageObject(text);
  if (typeof m === 'string') return m;
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
