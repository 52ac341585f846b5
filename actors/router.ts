import { dispatch as nactDispatch, stop as nactStop, spawn, start } from 'nact';
import type {
  AnomalyEvent,
  AnomalySink,
  FlightEnvelope,
  HistorySink,
  TrackBoardPort,
} from '../runtime/contract/index.ts';
import type { Metrics } from '../runtime/metrics/metrics.ts';
import { AircraftCore } from './aircraft.ts';
import type { AirportIndex } from './airports.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { type DetectorOptions, detectorOptions } from './defaults.ts';
import { EpochTracker } from './epochs.ts';
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

export interface DispatchOptions {
  /** Warm-up history: rebuild state, emit nothing (same as setEmitting(false) for this envelope). */
  replay?: boolean;
}

export interface FlightRouter {
  /** Hands one validated envelope to its aircraft's actor (spawned on first sight). Never throws for data. */
  dispatch(envelope: FlightEnvelope, options?: DispatchOptions): void;
  /** Resolves once every envelope dispatched before the call is processed and its outputs handed to the ports. */
  drain(): Promise<void>;
  /** Off: actors rebuild state from replayed history but emit nothing to the ports. */
  setEmitting(on: boolean): void;
  readonly emitting: boolean;
  /** Stops these aircraft's actors (partition revoked); their queued envelopes are dropped. */
  stopAircraft(icao24s: Iterable<string>): Promise<void>;
  /** Stops every actor (shutdown). The router may be used again afterwards (actors respawn). */
  stopAll(): Promise<void>;
  /** Live actors. */
  readonly activeCount: number;
  /** The feed clock: the latest envelope ts seen (ms), 0 before any. */
  readonly feedTsMs: number;
}

/** The router's record of one aircraft. The actor's state (AircraftCore) lives inside nact. */
interface Entry {
  icao24: string;
  ref: ReturnType<typeof spawn> | null;
  generation: number;
  alive: boolean;
  /** Queued envelopes; the actor takes them all per wake (natural batching under load). */
  queue: FlightEnvelope[];
  /** Per queued envelope: epoch * 2 + (replay ? 1 : 0). */
  tags: number[];
  head: number;
  /** A wake message is in the actor's mailbox (or being handled). */
  scheduled: boolean;
  /** Feed time of a pending signal_lost check, 0 when none; and its epoch tag. */
  tickTsMs: number;
  tickEpoch: number;
  /** Latest envelope ts dispatched (ms): the silence timer keys on it. */
  lastTsMs: number;
  inHeap: boolean;
  stopRequested: boolean;
  stopWaiters: Array<() => void>;
}

/** Update counts are kept in plain numbers and handed to prom-client in bulk (its inc() is ~150 ns). */
const FLUSH_EVERY = 4096;

export function createFlightRouter(config: FlightRouterConfig): FlightRouter {
  const { ports, metrics, airports } = config;
  const opts = detectorOptions(config.options);
  const now = config.now ?? Date.now;
  const signalLostMs = opts.signalLostAfterS * 1000;
  const idleMs = Math.round(opts.actorIdleS * 1000);
  const system = start();
  const entries = new Map<string, Entry>();
  const heap = new DeadlineHeap<Entry>();
  const epochs = new EpochTracker();
  const counts = new Float64Array(GATE_RESULT.length);
  let unflushed = 0;
  let emitting = config.emitting ?? true;
  let feedTsMs = 0;
  let active = 0;

  function flushCounts(): void {
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        metrics.updates.inc({ result: GATE_RESULT[i] }, counts[i]);
        counts[i] = 0;
      }
    }
    unflushed = 0;
  }

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

  /** The actor body: everything queued for this aircraft, then a pending silence check. */
  function wake(core: AircraftCore, e: Entry): AircraftCore {
    const wallMs = now();
    const q = e.queue;
    const tags = e.tags;
    while (e.head < q.length) {
      const i = e.head++;
      const env = q[i];
      const tag = tags[i];
      epochs.done(tag >> 1); // before the work: a throw below must not leave drain() waiting
      const emit = emitting && (tag & 1) === 0;
      const code = core.update(env);
      counts[code]++;
      if (code === GATE.ACCEPTED || code === GATE.RESET) {
        if (emit) {
          ports.history.write(core.historyRow(env));
          ports.board.upsert(core.track());
        }
        if (core.events.length > 0) emitEvents(core, emit);
      }
      if (env.ingest_ts != null) metrics.processLatency.observe(Math.max(0, wallMs - env.ingest_ts) / 1000);
      if (++unflushed >= FLUSH_EVERY) flushCounts();
    }
    q.length = 0;
    tags.length = 0;
    e.head = 0;
    if (e.tickTsMs > 0) {
      const t = e.tickTsMs;
      e.tickTsMs = 0;
      epochs.done(e.tickEpoch);
      core.tick(t);
      if (core.events.length > 0) emitEvents(core, emitting);
    }
    e.scheduled = false;
    if (epochs.outstanding === 0) flushCounts();
    return core;
  }

  function schedule(e: Entry): void {
    if (e.scheduled || e.ref === null) return;
    e.scheduled = true;
    nactDispatch(e.ref, e);
  }

  function spawnActor(e: Entry): void {
    const generation = ++e.generation;
    e.alive = true;
    e.scheduled = false;
    e.stopRequested = false;
    active++;
    metrics.actorsSpawned.inc();
    metrics.actorsActive.set(active);
    e.ref = spawn(system, (core: AircraftCore, msg: Entry) => wake(core, msg), e.icao24, {
      shutdownAfter: idleMs,
      initialStateFunc: () => new AircraftCore(e.icao24, opts, airports),
      onCrash: (_msg, error, ctx) => {
        metrics.actorCrashes.inc();
        config.onCrash?.(e.icao24, error);
        e.scheduled = false;
        // Fresh state for this aircraft; what is still queued goes to the restarted actor.
        if (e.head < e.queue.length || e.tickTsMs > 0) schedule(e);
        if (epochs.outstanding === 0) flushCounts();
        return ctx.reset;
      },
      afterStop: () => afterStop(e, generation),
    });
  }

  function afterStop(e: Entry, generation: number): void {
    if (e.generation !== generation) return;
    e.alive = false;
    e.ref = null;
    e.scheduled = false;
    active--;
    metrics.actorsActive.set(active);
    const waiters = e.stopWaiters.splice(0);
    if (e.stopRequested) {
      dropQueued(e);
    } else {
      metrics.actorsPassivated.inc();
      // Envelopes dispatched between nact's stop and this callback were never delivered (nact
      // drops messages to a stopped actor silently); they are still queued here, so respawn.
      if (e.head < e.queue.length) {
        spawnActor(e);
        schedule(e);
      } else dropQueued(e);
    }
    if (!e.alive && entries.get(e.icao24) === e) entries.delete(e.icao24);
    for (const w of waiters) w();
  }

  function dropQueued(e: Entry): void {
    for (let i = e.head; i < e.queue.length; i++) epochs.done(e.tags[i] >> 1);
    e.queue.length = 0;
    e.tags.length = 0;
    e.head = 0;
    if (e.tickTsMs > 0) {
      e.tickTsMs = 0;
      epochs.done(e.tickEpoch);
    }
  }

  /** Silent aircraft: only those whose deadline passed are messaged, once per silence. */
  function fireTimers(): void {
    while (heap.peekKey() <= feedTsMs) {
      const e = heap.pop() as Entry;
      e.inHeap = false;
      if (!e.alive || entries.get(e.icao24) !== e) continue;
      const due = e.lastTsMs + signalLostMs;
      if (due > feedTsMs) {
        e.inHeap = true;
        heap.push(e, due);
        continue;
      }
      if (e.tickTsMs === 0) e.tickEpoch = epochs.add();
      e.tickTsMs = feedTsMs;
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
            e.stopWaiters.push(resolve);
            nactStop(e.ref);
          }),
      ),
    ).then(() => undefined);
  }

  return {
    dispatch(env, options) {
      let e = entries.get(env.icao24);
      if (e === undefined) {
        e = {
          icao24: env.icao24,
          ref: null,
          generation: 0,
          alive: false,
          queue: [],
          tags: [],
          head: 0,
          scheduled: false,
          tickTsMs: 0,
          tickEpoch: 0,
          lastTsMs: 0,
          inHeap: false,
          stopRequested: false,
          stopWaiters: [],
        };
        entries.set(env.icao24, e);
      }
      if (!e.alive) spawnActor(e);
      e.queue.push(env);
      e.tags.push(epochs.add() * 2 + (options?.replay ? 1 : 0));
      if (env.ts > e.lastTsMs) e.lastTsMs = env.ts;
      if (!e.inHeap) {
        e.inHeap = true;
        heap.push(e, e.lastTsMs + signalLostMs);
      }
      schedule(e);
      if (env.ts > feedTsMs) {
        feedTsMs = env.ts;
        if (heap.peekKey() <= feedTsMs) fireTimers();
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
    stopAll() {
      return stopEntries([...entries.values()]);
    },
    get activeCount() {
      return active;
    },
    get feedTsMs() {
      return feedTsMs;
    },
  };
}
