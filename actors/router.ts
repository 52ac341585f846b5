import { Nobody, dispatch as nactDispatch, stop as nactStop, spawn, start } from 'nact';
import {
  type AnomalyEvent,
  type AnomalySink,
  type FlightEnvelope,
  type HistorySink,
  nullHistorySink,
  nullTrackBoard,
  type TrackBoardPort,
} from '../runtime/contract/index.ts';
import type { Metrics } from '../runtime/metrics/metrics.ts';
import { AircraftCore } from './aircraft.ts';
import type { AirportIndex } from './airports.ts';
import { BatchedCounts } from './batched-counts.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { type DetectorOptions, detectorOptions } from './defaults.ts';
import { EpochTracker } from './epochs.ts';
import { actorOf, installNactFastPath, type NactActorHandle, tell } from './nact-fast-path.ts';
import { GATE, GATE_RESULT } from './order-gate.ts';

export interface FlightRouterPorts {
  history: HistorySink;
  anomalies: AnomalySink;
  board: TrackBoardPort;
}

export interface FlightRouterConfig {
  ports: FlightRouterPorts;
  metrics: Metrics;
  airports: AirportIndex;
  /** Overrides of DETECTOR_DEFAULTS (actorIdleS, gapResetS, thresholds...). */
  options?: Partial<DetectorOptions>;
  /** Wall clock (ms) for process_latency_seconds only; never used for detection. */
  now?: () => number;
  /** Told about every actor crash (after it is counted); e.g. a logger. */
  onCrash?: (icao24: string, error: unknown) => void;
  /** Starts with emitting on (default) or off (warm restart). */
  emitting?: boolean;
}

/** Read during `dispatch` only (the pipeline hands one object rewritten per envelope). */
export interface DispatchOptions {
  /** Warm-up history: rebuild state, emit nothing (same as setEmitting(false) for this envelope). */
  replay?: boolean;
  /**
   * The bus partition it came from. Each partition has its own feed clock for the silence timers:
   * after a restart partitions are caught up one after another, so one partition's stream time
   * says nothing about whether another's aircraft went quiet. Omitted: one clock (detect).
   */
  partition?: number;
}

export interface FlightRouter {
  /** Hands one validated envelope to its aircraft's actor (spawned on first sight). Never throws for data. */
  dispatch(envelope: FlightEnvelope, options?: DispatchOptions): void;
  /** Resolves once every envelope dispatched before the call is processed and its outputs handed to the ports. */
  drain(): Promise<void>;
  /** Off: actors rebuild state from replayed history but emit nothing to the ports. */
  setEmitting(on: boolean): void;
  readonly emitting: boolean;
  /** Stops these aircraft's actors; their queued envelopes are dropped. */
  stopAircraft(icao24s: Iterable<string>): Promise<void>;
  /** Stops the actors of every aircraft dispatched from these partitions (partitions revoked). */
  stopPartitions(partitions: Iterable<number>): Promise<void>;
  /** Stops every actor (shutdown). The router may be used again afterwards (actors respawn). */
  stopAll(): Promise<void>;
  /** Live actors. */
  readonly activeCount: number;
  /** The feed clock: the latest envelope ts seen in any partition (ms), 0 before any. */
  readonly feedTsMs: number;
}

/** The router's record of one aircraft. The actor's state (AircraftCore) lives inside nact. */
interface Entry {
  icao24: string;
  ref: ReturnType<typeof spawn> | null;
  /** nact's actor behind `ref`, looked up once at spawn (null: dispatch through `ref`). */
  actor: NactActorHandle | null;
  alive: boolean;
  /** The feed clock of this aircraft's partition. */
  clock: FeedClock;
  /**
   * Queued envelopes (and silence checks, in stream order): `count` of them, `done` already taken. The first sits in `one` (the usual case
   * in live operation: no array per aircraft), the rest in `more` (only under backlog). The actor
   * takes them all per wake, so batching comes by itself under load. Tags: epoch * 2 + replay bit.
   */
  one: FlightEnvelope | SilenceCheck | undefined;
  oneTag: number;
  more: Array<FlightEnvelope | SilenceCheck | undefined> | null;
  moreTags: number[] | null;
  count: number;
  done: number;
  /** A wake message is in the actor's mailbox (or being handled). */
  scheduled: boolean;
  /** Latest envelope ts dispatched (ms): the silence timer keys on it. */
  lastTsMs: number;
  inHeap: boolean;
  stopRequested: boolean;
  stopWaiters: Array<() => void> | null;
}

/** One partition's stream time, and the aircraft waiting for a silence deadline in it. */
interface FeedClock {
  /** The bus partition (-1 when the caller gives none). */
  partition: number;
  feedTsMs: number;
  heap: DeadlineHeap<Entry>;
}

/**
 * A silence check queued for an aircraft: its partition's feed passed the aircraft's deadline at
 * this point of the stream. Queued in order with the envelopes, so a backlog handed over at once
 * sees the silence where it happened, not after the updates that ended it.
 */
class SilenceCheck {
  constructor(readonly feedTsMs: number) {}
}

/** Update counts go to prom-client in bulk: every 4,096, when idle, and at most a second late. */
const COUNTS_FLUSH_EVERY = 4096;
const COUNTS_FLUSH_AFTER_MS = 1_000;

/**
 * nact's dispatch(ref, msg) builds a new `Nobody` sender (three objects) per message when none is
 * given; the actors never look at the sender, so one is shared. (nact's typings omit the argument.)
 */
const NO_SENDER = new Nobody();
const dispatchTo = nactDispatch as (ref: unknown, msg: unknown, sender: unknown) => void;

export function createFlightRouter(config: FlightRouterConfig): FlightRouter {
  const { ports, metrics, airports } = config;
  const opts = detectorOptions(config.options);
  const now = config.now ?? Date.now;
  const signalLostMs = opts.signalLostAfterS * 1000;
  // `detect` has no history and no board: skip building what would be thrown away.
  const wantHistory = ports.history !== nullHistorySink;
  const wantBoard = ports.board !== nullTrackBoard;
  const idleMs = Math.round(opts.actorIdleS * 1000);
  installNactFastPath();
  const system = start();
  const entries = new Map<string, Entry>();
  const clocks = new Map<number, FeedClock>();
  const clockOf = (partition: number): FeedClock => {
    let c = clocks.get(partition);
    if (c === undefined) {
      c = { partition, feedTsMs: 0, heap: new DeadlineHeap<Entry>() };
      clocks.set(partition, c);
    }
    return c;
  };
  const epochs = new EpochTracker();
  const counts = new BatchedCounts(GATE_RESULT, (result, n) => metrics.updates.inc({ result }, n), {
    flushEvery: COUNTS_FLUSH_EVERY,
    flushAfterMs: COUNTS_FLUSH_AFTER_MS,
  });
  const flushCounts = () => counts.flush();
  let emitting = config.emitting ?? true;
  // In an object field, not a `let`: a closure variable holding a double is a new heap number
  // every time it is assigned (here: nearly every envelope); a field is updated in place.
  const feed = { tsMs: 0 };
  let active = 0;
  let latencySampledAtMs = -1;

  function emitEvents(core: AircraftCore, emit: boolean): void {
    const events = core.events;
    for (let i = 0; i < events.length; i++) {
      const ev: AnomalyEvent = events[i];
      if (!emit) continue;
      ports.anomalies.emit(ev);
      if (ev.phase === 'open' && ev.details.escalated_from === undefined)
        metrics.anomalies.inc({ type: ev.type, severity: ev.severity });
    }
    events.length = 0;
  }

  /** The actor body: everything queued for this aircraft (envelopes and silence checks), in order. */
  function wake(core: AircraftCore, e: Entry): AircraftCore {
    let boardDue = false;
    let oldestIngestMs = -1;
    while (e.done < e.count) {
      const k = e.done++;
      let item: FlightEnvelope | SilenceCheck;
      let tag: number;
      if (k === 0) {
        item = e.one as FlightEnvelope | SilenceCheck;
        tag = e.oneTag;
        e.one = undefined;
      } else {
        item = (e.more as Array<FlightEnvelope | SilenceCheck>)[k - 1];
        tag = (e.moreTags as number[])[k - 1];
        (e.more as Array<FlightEnvelope | SilenceCheck | undefined>)[k - 1] = undefined;
      }
      epochs.done(tag >> 1); // before the work: a throw below must not leave drain() waiting
      const emit = emitting && (tag & 1) === 0;
      if (item instanceof SilenceCheck) {
        core.tick(item.feedTsMs);
        if (core.events.length > 0) emitEvents(core, emit);
        continue;
      }
      const env = item;
      const code = core.update(env);
      // Warm-up replays were counted when they first came through: count live envelopes only.
      if ((tag & 1) === 0) counts.add(code);
      if (code === GATE.ACCEPTED || code === GATE.RESET) {
        if (emit) {
          if (wantHistory) core.writeHistory(env, ports.history);
          boardDue = wantBoard;
        }
        if (core.events.length > 0) emitEvents(core, emit);
      }
      // One latency sample per wake, from its oldest envelope (the worst in the batch): in live
      // operation that is every update; under backlog it spares prom-client's ~0.3 us observe().
      if (oldestIngestMs < 0 && env.ingest_ts != null) oldestIngestMs = env.ingest_ts;
    }
    clearQueue(e);
    // The board keeps only the latest state per aircraft, and builds the Track when it needs it.
    if (boardDue) ports.board.changed(core);
    if (oldestIngestMs >= 0) {
      // At most one latency sample per wall-clock millisecond: prom-client's observe() costs
      // ~0.3 us, a sixth of an update's whole work. At a few updates per ms every wake is sampled;
      // at 500,000 updates/s one in 500, spread evenly over time.
      const t = now();
      if (t !== latencySampledAtMs) {
        latencySampledAtMs = t;
        metrics.processLatency.observe(Math.max(0, t - oldestIngestMs) / 1000);
      }
    }
    e.scheduled = false;
    if (epochs.outstanding === 0) flushCounts();
    return core;
  }

  function schedule(e: Entry): void {
    if (e.scheduled || e.ref === null) return;
    e.scheduled = true;
    if (e.actor !== null) tell(e.actor, e, NO_SENDER);
    else dispatchTo(e.ref, e, NO_SENDER);
  }

  // One set of actor functions for all actors (no closures per actor: they would cost heap per aircraft).
  const actorBody = (core: AircraftCore, e: Entry) => wake(core, e);
  const actorProps = {
    shutdownAfter: idleMs,
    initialStateFunc: (ctx: { name: string }) => new AircraftCore(ctx.name, opts, airports),
    onCrash: (msg: Entry | undefined, error: unknown, ctx: { reset: symbol; name: string }) => {
      metrics.actorCrashes.inc();
      config.onCrash?.(ctx.name, error);
      const e = msg ?? entries.get(ctx.name);
      if (e) {
        e.scheduled = false;
        // Fresh state for this aircraft; what is still queued goes to the restarted actor.
        if (e.done < e.count) schedule(e);
      }
      if (epochs.outstanding === 0) flushCounts();
      return ctx.reset;
    },
    afterStop: (_state: unknown, ctx: { name: string; self: unknown }) => {
      const e = entries.get(ctx.name);
      if (e && e.ref === ctx.self) afterStop(e);
    },
  };

  function spawnActor(e: Entry): void {
    e.alive = true;
    e.scheduled = false;
    e.stopRequested = false;
    active++;
    metrics.actorsSpawned.inc();
    metrics.actorsActive.set(active);
    e.ref = spawn(system, actorBody, e.icao24, actorProps as never);
    e.actor = actorOf(e.ref) ?? null;
  }

  function afterStop(e: Entry): void {
    e.alive = false;
    e.ref = null;
    e.actor = null;
    e.scheduled = false;
    active--;
    metrics.actorsActive.set(active);
    const waiters = e.stopWaiters;
    e.stopWaiters = null;
    if (e.stopRequested) {
      dropQueued(e);
    } else {
      metrics.actorsPassivated.inc();
      // Envelopes dispatched between nact's stop and this callback were never delivered (nact
      // drops messages to a stopped actor silently); they are still queued here, so respawn.
      if (e.done < e.count) {
        spawnActor(e);
        schedule(e);
      } else dropQueued(e);
    }
    if (!e.alive && entries.get(e.icao24) === e) entries.delete(e.icao24);
    if (waiters) for (const w of waiters) w();
  }

  function clearQueue(e: Entry): void {
    e.one = undefined;
    e.count = 0;
    e.done = 0;
    if (e.more !== null) {
      e.more = null; // backlog is over: let the arrays go rather than keep their capacity
      e.moreTags = null;
    }
  }

  function dropQueued(e: Entry): void {
    for (let k = e.done; k < e.count; k++)
      epochs.done((k === 0 ? e.oneTag : (e.moreTags as number[])[k - 1]) >> 1);
    clearQueue(e);
  }

  /** Adds an envelope or a silence check to the aircraft's queue. */
  function enqueue(e: Entry, item: FlightEnvelope | SilenceCheck, replay: boolean): void {
    const tag = epochs.add() * 2 + (replay ? 1 : 0);
    if (e.count === 0) {
      e.one = item;
      e.oneTag = tag;
    } else {
      if (e.more === null || e.moreTags === null) {
        e.more = [];
        e.moreTags = [];
      }
      e.more.push(item);
      e.moreTags.push(tag);
    }
    e.count++;
  }

  /**
   * Silent aircraft of one partition: only those whose deadline its clock passed get a silence
   * check, once per silence. `replay`: the envelope that moved the clock is warm-up history, so
   * what the check finds is not emitted either.
   */
  function fireTimers(clock: FeedClock, replay: boolean): void {
    const heap = clock.heap;
    while (heap.peekKey() <= clock.feedTsMs) {
      const e = heap.pop() as Entry;
      e.inHeap = false;
      if (!e.alive || entries.get(e.icao24) !== e) continue;
      const due = e.lastTsMs + signalLostMs;
      if (due > clock.feedTsMs) {
        e.inHeap = true;
        heap.push(e, due);
        continue;
      }
      enqueue(e, new SilenceCheck(clock.feedTsMs), replay);
      schedule(e);
    }
  }

  function stopEntries(list: Entry[]): Promise<void> {
    return Promise.all(
      list.map(
        (e) =>
          new Promise<void>((resolve) => {
            if (!e.alive || e.ref === null) return resolve();
            e.stopRequested = true;
            if (e.stopWaiters === null) e.stopWaiters = [];
            e.stopWaiters.push(resolve);
            nactStop(e.ref);
          }),
      ),
    ).then(() => undefined);
  }

  return {
    dispatch(env, options) {
      const replay = options?.replay === true;
      let e = entries.get(env.icao24);
      if (e === undefined) {
        e = {
          icao24: env.icao24,
          clock: clockOf(options?.partition ?? -1),
          ref: null,
          actor: null,
          alive: false,
          one: undefined,
          oneTag: 0,
          more: null,
          moreTags: null,
          count: 0,
          done: 0,
          scheduled: false,
          lastTsMs: 0,
          inHeap: false,
          stopRequested: false,
          stopWaiters: null,
        };
        entries.set(env.icao24, e);
      }
      if (!e.alive) spawnActor(e);
      const clock = e.clock;
      enqueue(e, env, replay);
      if (env.ts > e.lastTsMs) e.lastTsMs = env.ts;
      if (!e.inHeap) {
        e.inHeap = true;
        clock.heap.push(e, e.lastTsMs + signalLostMs);
      }
      schedule(e);
      // A silence this envelope's time reveals for other aircraft of the partition is queued for
      // them now, after what they already had and before anything later.
      if (env.ts > clock.feedTsMs) {
        clock.feedTsMs = env.ts;
        if (env.ts > feed.tsMs) feed.tsMs = env.ts;
        if (clock.heap.peekKey() <= clock.feedTsMs) fireTimers(clock, replay);
      }
    },
    drain() {
      return epochs.drain().then(flushCounts);
    },
    setEmitting(on) {
      emitting = on;
    },
    get emitting() {
      return emitting;
    },
    stopAircraft(icao24s) {
      const list: Entry[] = [];
      for (const id of icao24s) {
        const e = entries.get(id);
        if (e) list.push(e);
      }
      return stopEntries(list);
    },
    stopPartitions(partitions) {
      const revoked = new Set(partitions);
      const list: Entry[] = [];
      for (const e of entries.values()) if (revoked.has(e.clock.partition)) list.push(e);
      for (const p of revoked) clocks.delete(p);
      return stopEntries(list);
    },
    stopAll() {
      return stopEntries([...entries.values()]);
    },
    get activeCount() {
      return active;
    },
    get feedTsMs() {
      return feed.tsMs;
    },
  };
}
