import { randomUUID } from 'node:crypto';
import { type AnomalyEvent, type BBox, WS_MAX_CLIENT_MESSAGE_BYTES } from '../runtime/contract/index.ts';
import type { Metrics } from '../runtime/metrics/metrics.ts';
import { AnomalyLog } from './anomaly-log.ts';
import { checkBbox } from './bbox.ts';
import type { TrackBoard } from './board.ts';
import { anomalyFrame, errorFrame, helloFrame } from './frames.ts';
import { type Encoding, type Group, SubscriptionGroups, TooManyGroupsError } from './groups.ts';

/**
 * How the fan-out reaches sockets. The uWS edge maps groups to uWS topics (one publish per
 * frame, native fan-out); the benchmark's plain `ws` server loops over the group. Either way a
 * frame is serialized and encoded once.
 */
export interface Transport<S> {
  buffered(s: S): number;
  send(s: S, data: Buffer): void;
  /** A group has a topic per encoding (Group.topicFor). */
  subscribe(s: S, topic: string): void;
  unsubscribe(s: S, topic: string): void;
  /** Sends to every subscribed (not lagging) socket of the topic; returns bytes handed over. */
  publish(topic: string, data: Buffer): number;
  /** Sends an anomaly frame to every socket. */
  broadcast(data: Buffer): number;
  close(s: S, code: number, reason: string): void;
}

export interface BackpressureLimits {
  /** Over this many buffered bytes a socket skips frames (it leaves its group topic). */
  softBytes: number;
  /** At or under this a skipping socket gets a fresh snapshot and rejoins. */
  resumeBytes: number;
}

export const DEFAULT_BACKPRESSURE: BackpressureLimits = {
  softBytes: 512 * 1024,
  resumeBytes: 64 * 1024,
};

/** Client messages: a short burst is fine, a flood closes the socket. */
export const MESSAGE_BURST = 20;
export const MESSAGES_PER_S = 10;

interface ClientState {
  encoding: Encoding;
  lagging: boolean;
  tokens: number;
  refilledMs: number;
}

export interface FanoutOptions {
  board: TrackBoard;
  metrics: Metrics;
  now: () => number;
  tickHz: number;
  limits?: BackpressureLimits;
  maxGroups?: number;
}

type ClientMessage = { type: 'subscribe'; bbox: BBox | null } | { type: 'resync' };

/**
 * The /ws/flights protocol (contract section 7) over any transport: hello and a world snapshot
 * on open, per-group deltas each tick, anomaly frames, subscribe/resync, per-socket
 * backpressure (skip while over the limit, fresh snapshot when drained), message floods closed.
 */
export class Fanout<S> {
  readonly groups: SubscriptionGroups<S>;
  readonly anomalies = new AnomalyLog();
  /** Names this run of the edge in the hello and GET /anomalies?after= (cursors restart with it). */
  readonly instance = randomUUID();
  private readonly clients = new Map<S, ClientState>();
  private readonly limits: BackpressureLimits;

  constructor(
    private readonly transport: Transport<S>,
    private readonly options: FanoutOptions,
  ) {
    this.groups = new SubscriptionGroups<S>(options.board, options.maxGroups);
    this.limits = options.limits ?? DEFAULT_BACKPRESSURE;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * A new socket: hello, then the snapshot of `bbox` (the world unless the URL named a box), in
   * the encoding the URL asked for (JSON unless `?encoding=compact`).
   */
  open(s: S, bbox: BBox | null = null, encoding: Encoding = 'json'): void {
    const nowMs = this.options.now();
    this.clients.set(s, { encoding, lagging: false, tokens: MESSAGE_BURST, refilledMs: nowMs });
    this.options.metrics.wsClients.set(this.clients.size);
    this.sendText(s, helloFrame(this.options.tickHz, nowMs, encoding, this.instance));
    this.subscribe(s, bbox);
  }

  /** Server shutdown: closes every socket with 1001 (going away), so clients reconnect elsewhere. */
  closeAll(reason = 'server shutting down'): number {
    const sockets = [...this.clients.keys()];
    for (const s of sockets) this.transport.close(s, 1001, reason);
    return sockets.length;
  }

  close(s: S): void {
    if (!this.clients.delete(s)) return;
    this.groups.leave(s);
    this.options.metrics.wsClients.set(this.clients.size);
  }

  message(s: S, data: ArrayBuffer | Buffer | string, isBinary: boolean): void {
    const state = this.clients.get(s);
    if (state === undefined) return;
    const nowMs = this.options.now();
    state.tokens = Math.min(
      MESSAGE_BURST,
      state.tokens + ((nowMs - state.refilledMs) / 1000) * MESSAGES_PER_S,
    );
    state.refilledMs = nowMs;
    if (state.tokens < 1) {
      this.transport.close(s, 1008, 'too many messages');
      return;
    }
    state.tokens -= 1;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (size > WS_MAX_CLIENT_MESSAGE_BYTES) {
      this.transport.close(s, 1009, 'message over 4 KiB');
      return;
    }
    if (isBinary) {
      this.sendText(s, errorFrame('binary messages are not supported; send JSON text'));
      return;
    }
    const text = typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientMessage(text);
    if (typeof parsed === 'string') this.sendText(s, errorFrame(parsed));
    else if (parsed.type === 'subscribe') this.subscribe(s, parsed.bbox);
    else this.resync(s);
  }

  /** A transport's drain event: a skipping socket that has drained gets its snapshot now. */
  drain(s: S): void {
    const state = this.clients.get(s);
    if (state?.lagging && this.transport.buffered(s) <= this.limits.resumeBytes) this.resume(s, state);
  }

  publishAnomaly(event: AnomalyEvent): boolean {
    const added = this.anomalies.add(event, this.options.now());
    if (added === null) return false;
    this.options.board.setMarks(event.icao24, added.marks);
    const bytes = this.transport.broadcast(Buffer.from(anomalyFrame(event, added.cursor)));
    this.options.metrics.wsBytesSent.inc(bytes);
    return true;
  }

  /** One tick: expire stale aircraft and anomaly marks, build one delta per group, send them. */
  tick(): { frames: number; upserts: number; bytes: number } {
    const endTimer = this.options.metrics.edgeTickSeconds.startTimer();
    const nowMs = this.options.now();
    const board = this.options.board;
    for (const [icao24, marks] of this.anomalies.expire(nowMs)) board.setMarks(icao24, marks);
    board.expire();
    const frames = this.groups.tick(board.takeChanges(), nowMs);
    const publishing = new Set(frames.map((f) => f.group));
    let skipped = 0;
    for (const g of this.groups.all()) {
      const published = publishing.has(g);
      for (const [s, encoding] of g.subscribers) {
        const state = this.clients.get(s) as ClientState;
        if (state.lagging) {
          if (published) skipped += 1;
        } else if (this.transport.buffered(s) > this.limits.softBytes) {
          state.lagging = true;
          this.transport.unsubscribe(s, g.topicFor(encoding));
          if (published) skipped += 1;
        }
      }
    }
    let bytes = 0;
    let upserts = 0;
    for (const f of frames) {
      if (f.json !== null) bytes += this.transport.publish(f.group.topic, Buffer.from(f.json));
      if (f.compact !== null) bytes += this.transport.publish(f.group.compactTopic, Buffer.from(f.compact));
      upserts += f.upserts;
    }
    // After publishing, so a snapshot includes this tick and its seq is the group's latest.
    for (const [s, state] of this.clients) {
      if (state.lagging && this.transport.buffered(s) <= this.limits.resumeBytes) this.resume(s, state);
    }
    this.options.metrics.wsFramesSkipped.inc(skipped);
    this.options.metrics.wsBytesSent.inc(bytes);
    endTimer();
    return { frames: frames.length, upserts, bytes };
  }

  private subscribe(s: S, bbox: BBox | null): void {
    const state = this.clients.get(s) as ClientState;
    const before = this.groups.groupOf(s);
    let group: Group<S>;
    try {
      group = this.groups.join(s, bbox, state.encoding);
    } catch (err) {
      if (!(err instanceof TooManyGroupsError)) throw err;
      this.sendText(s, errorFrame(err.message));
      return;
    }
    const topic = group.topicFor(state.encoding);
    if (before !== undefined && before !== group && !state.lagging)
      this.transport.unsubscribe(s, before.topicFor(state.encoding));
    // A skipping socket gets its snapshot when it drains, not on top of its backlog.
    if (state.lagging) return;
    this.sendSnapshot(s, group, state.encoding);
    if (before !== group) this.transport.subscribe(s, topic);
  }

  private resync(s: S): void {
    const state = this.clients.get(s) as ClientState;
    const group = this.groups.groupOf(s);
    if (group !== undefined && !state.lagging) this.sendSnapshot(s, group, state.encoding);
  }

  private resume(s: S, state: ClientState): void {
    const group = this.groups.groupOf(s);
    if (group === undefined) return;
    state.lagging = false;
    this.sendSnapshot(s, group, state.encoding);
    this.transport.subscribe(s, group.topicFor(state.encoding));
  }

  private sendSnapshot(s: S, group: Group<S>, encoding: Encoding): void {
    const nowMs = this.options.now();
    this.sendText(
      s,
      encoding === 'compact' ? this.groups.compactSnapshot(group, nowMs) : this.groups.snapshot(group, nowMs),
    );
  }

  private sendText(s: S, text: string): void {
    const data = Buffer.from(text);
    this.transport.send(s, data);
    this.options.metrics.wsBytesSent.inc(data.length);
  }
}

/** A client message's JSON object, or the reason it is not one (live and playback messages). */
export function parseMessageObject(text: string): Record<string, unknown> | string {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return 'message is not JSON';
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return 'message must be a JSON object';
  return msg as Record<string, unknown>;
}

/** Parses a client message; returns the reason when it is not a valid one. */
export function parseClientMessage(text: string): ClientMessage | string {
  const m = parseMessageObject(text);
  if (typeof m === 'string') return m;
  if (m.type === 'resync') return { type: 'resync' };
  if (m.type !== 'subscribe') return 'type must be "subscribe" or "resync"';
  if (m.bbox === null) return { type: 'subscribe', bbox: null };
  if (!Array.isArray(m.bbox)) return 'subscribe needs bbox: [w, s, e, n] or null';
  const r = checkBbox(m.bbox);
  return r.ok ? { type: 'subscribe', bbox: r.bbox } : r.error;
}
