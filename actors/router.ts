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
import { type AircraftContext, AircraftCore, ALT_DROP_REASON } from './aircraft.ts';
import type { AirportIndex } from './airports.ts';
import { BatchedCounts } from './batched-counts.ts';
import { bucketOf, CoverageMap, coverageKeyOf } from './coverage.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { type DetectorOptions, detectorOptions } from './defaults.ts';
import { EpochTracker } from './epochs.ts';
import type { SourceBox } from './machines/signal-lost.ts';
import {
  type CoverageEvidence,
  coverageEvidence,
  type LastFix,
  silenceDueMs,
  silenceFellDue,
} from './machines/signal-lost.ts';
import {
  actorOf,
  installNactFastPath,
  type NactActorHandle,
  tell,
  withoutContext,
} from './nact-fast-path.ts';
import { GATE, GATE_RESULT } from './order-gate.ts';
import { slotArray } from './slots.ts';

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
  /**
   * The box live polling asks OpenSky for (OPENSKY_BBOX, w, s, e, n): the edge of what a live
   * source can see. signal_lost stays quiet for aircraft of `source: "opensky"` whose
   * dead-reckoned position is near or outside it. Other sources' edges come from the coverage map.
   */
  sourceBox?: SourceBox | null;
  /** Told when a partition's feed time jumps over an outage of the source (after it is counted). */
  onOutage?: (outage: FeedOutage) => void;
}

/** A silence of the whole source in one partition, seen in feed time when reports resume. */
export interface FeedOutage {
  partition: number;
  /** Feed clock before and after the jump (ms). */
  fromTsMs: number;
  toTsMs: number;
}

/** What the router knows of its feed, for /readyz and logs (wall time: the source may have gone quiet). */
export interface FeedStatus {
  /** waiting: nothing yet; live: reports arriving; outage: none for more than outageGapS of wall time. */
  state: 'waiting' | 'live' | 'outage';
  /** The feed clock (ms), 0 before any report. */
  feedTsMs: number;
  /** Wall seconds since the actors last got a report (null before any). */
  quietS: number | null;
  /** Outages seen in feed time (a partition's clock jumping over a silence of the whole source). */
  outages: number;
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
  /**
   * Whether a partition has more to deliver (the bus holds messages after those dispatched), told
   * when it is assigned and after each of its batches. A partition with a backlog holds silence
   * checks back (the watermark) up to `BACKLOG_WAIT_MS` of feed time, even before it delivered
   * anything; a caught-up one only `CAUGHT_UP_WAIT_MS`. A partition never told is taken to have one.
   */
  partitionBacklog(partition: number, backlog: boolean): void;
  /** Stops every actor (shutdown). The router may be used again afterwards (actors respawn). */
  stopAll(): Promise<void>;
  /** Live actors. */
  readonly activeCount: number;
  /** The feed clock: the latest of the partitions' clocks (ms), 0 before any (see FeedClock). */
  readonly feedTsMs: number;
  /** Whether the source is delivering (wall time), and the outages seen. */
  feedStatus(): FeedStatus;
  /** The map of where reports arrive (signal_lost's coverage). */
  readonly coverage: CoverageMap;
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
  /** Its slot among the clock's most recent aircraft (-1: not one of them). */
  topSlot: number;
  /**
   * The coverage cell-band and minute its latest report fell in, and its reports there not yet
   * added to the map (the first is noted at once; the rest are added when it moves on).
   */
  coverageKey: number;
  coverageMinute: number;
  coveragePending: number;
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
  /**
   * The entry's numbers, in one array of doubles (indices in `N`; a double in an object field is
   * a heap box of its own, ten per aircraft here): the latest envelope ts dispatched (the silence
   * timer keys on it), a late silence's deadline (see gapLast), and where the aircraft was last
   * heard (the report of that ts; its ts NaN: none, or the actor stopped), for the coverage
   * evidence of a silence, read when the silence is revealed (stream order). Numbers copied in
   * place, not the envelope kept: a kept envelope outlives the young generation and costs the
   * garbage collector more than the copy.
   */
  n: number[];
  /**
   * A silence that ended (the aircraft reported again) before the silence watermark reached its
   * deadline (`n[N.GAP_DUE_MS]`): the last fix before it, for a late check once every partition
   * has (null: none).
   */
  gapLast: LastFix | null;
  inHeap: boolean;
  stopRequested: boolean;
  stopWaiters: Array<() => void> | null;
}

/**
 * One partition's stream time, and the aircraft waiting for a silence deadline in it.
 *
 * The clock is the latest report time that `quorum` aircraft have reached (the quorum-th largest of
 * the aircraft's latest report times, kept over the `feedClockQuorum` most recent aircraft), so one
 * aircraft's fix from the future cannot move it: such a fix is held (`pending`) until others agree
 * (the feed really moved on, e.g. after an outage) or dropped as `future`. The quorum is
 * feedClockQuorum, or one less than the aircraft in the partition when there are fewer (one aircraft
 * alone moves its own clock).
 */
interface FeedClock {
  /** The bus partition (-1 when the caller gives none). */
  partition: number;
  feedTsMs: number;
  heap: DeadlineHeap<Entry>;
  /** Latest report times of the most recent aircraft, and who they are (null: the aircraft's entry is gone). */
  topTs: Float64Array;
  topEntry: Array<Entry | null>;
  topCount: number;
  /** Live aircraft entries of this partition. */
  aircraft: number;
  /** The feed has delivered without an outage since this feed time (ms). */
  liveSinceMs: number;
  /** Fixes too far ahead of the clock, waiting for agreement (null: none). */
  pending: Pending[] | null;
  /** Its latest envelope was warm-up history (replay); see allReplaying. */
  replaying: boolean;
  /** The bus has more of this partition to deliver (see FlightRouter.partitionBacklog). */
  backlog: boolean;
}

interface Pending {
  e: Entry;
  env: FlightEnvelope;
  replay: boolean;
  /** The clock when it was parked. */
  parkedAtMs: number;
}

/**
 * How far behind the newest clock a partition with a backlog (or not yet heard from, after an
 * assignment) holds silence checks back: after a restart each partition's backlog comes in
 * batches of its own, up to 8 MiB, minutes of feed time apart. The coverage map remembers
 * BUCKETS minutes, so a silence decided this far behind the newest still finds the reports of its
 * minutes (BACKLOG_WAIT_MS + the 2-minute silence + a partial minute < BUCKETS minutes).
 */
const BACKLOG_WAIT_MS = 24 * 60_000;
/**
 * How far behind the newest a caught-up partition (nothing more on the bus when last told) holds
 * them: as long as every partition was held before the router was told backlogs. "Caught up" goes
 * stale when the bus comes back after an outage with a backlog of every partition: until each
 * partition's next batch (or the pipeline's lag refresh) says so, this is all the wait it gets
 * (3 minutes lost the NYC fixture's signal_lost in broker-restart).
 */
const CAUGHT_UP_WAIT_MS = 10 * 60_000;

/** Held future fixes per partition, at most (the oldest is dropped as `future` beyond). */
const MAX_PENDING = 1024;

/**
 * A silence check queued for an aircraft: its partition's feed passed the aircraft's deadline at
 * this point of the stream. Queued in order with the envelopes, so a backlog handed over at once
 * sees the silence where it happened, not after the updates that ended it.
 */
class SilenceCheck {
  constructor(
    readonly feedTsMs: number,
    readonly liveSinceMs: number,
    /** The coverage map's answer for this silence, read when it was revealed (null: no last fix known). */
    readonly evidence: CoverageEvidence | null,
    /** The silence ended before it was revealed: feedTsMs is its deadline (the actor's lateTick). */
    readonly late = false,
  ) {}
}

/** Where each of an entry's numbers sits in `Entry.n`. */
const N = {
  LAST_TS_MS: 0,
  GAP_DUE_MS: 1,
  /** The last fix, as LastFix's fields in order: tsMs, lat, lon, altM, speedMs, trackDeg, vrateMs. */
  FIX: 2,
  SIZE: 9,
} as const;
const FIX_TS_MS = N.FIX;

/** A new entry's numbers: no report yet (0), no late silence (0), no last fix known (NaN). */
function entryNumbers(): number[] {
  const n = slotArray(N.SIZE);
  n.fill(Number.NaN, N.FIX);
  return n;
}

/** The report as signal_lost dead-reckons a silent aircraft from it (unknown values NaN), into `n`. */
function copyLastFix(n: number[], env: FlightEnvelope): void {
  const f = N.FIX;
  n[f] = env.ts;
  n[f + 1] = env.lat;
  n[f + 2] = env.lon;
  n[f + 3] = env.baro_alt_m ?? env.geo_alt_m ?? Number.NaN;
  n[f + 4] = env.speed_ms ?? Number.NaN;
  n[f + 5] = env.track_deg ?? Number.NaN;
  n[f + 6] = env.vrate_ms ?? Number.NaN;
}

/** The last fix in `n` as an object (when a silence is judged: rare). */
function lastFixOf(n: number[]): LastFix {
  const f = N.FIX;
  return {
    tsMs: n[f],
    lat: n[f + 1],
    lon: n[f + 2],
    altM: n[f + 3],
    speedMs: n[f + 4],
    trackDeg: n[f + 5],
    vrateMs: n[f + 6],
  };
}

/** The wall clock is read by one report-carrying actor wake in this many (and at the end of each batch). */
const WALL_CLOCK_EVERY = 32;

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
  const futureTolMs = opts.futureToleranceS * 1000;
  const futureHoldMs = opts.futureHoldS * 1000;
  const outageGapMs = opts.outageGapS * 1000;
  const quorumMax = Math.max(1, Math.round(opts.feedClockQuorum));
  const coverage = new CoverageMap();
  const context: AircraftContext = { airports, coverage, sourceBox: config.sourceBox ?? null };
  let outages = 0;
  /** Wall time (ms) of the last wake that carried a report, -1 before any. */
  let lastDeliveryWallMs = -1;
  // `detect` has no history and no board: skip building what would be thrown away.
  const wantHistory = ports.history !== nullHistorySink;
  const wantBoard = ports.board !== nullTrackBoard;
  const idleMs = Math.round(opts.actorIdleS * 1000);
  installNactFastPath();
  const system = start();
  const entries = new Map<string, Entry>();
  const clocks = new Map<number, FeedClock>();
  /** The same clocks in an array: the silence watermark loops over them per clock advance (no iterator). */
  const clockList: FeedClock[] = [];
  const clockOf = (partition: number): FeedClock => {
    let c = clocks.get(partition);
    if (c === undefined) {
      c = {
        partition,
        feedTsMs: 0,
        heap: new DeadlineHeap<Entry>(),
        topTs: new Float64Array(quorumMax),
        topEntry: new Array<Entry | null>(quorumMax).fill(null),
        topCount: 0,
        aircraft: 0,
        liveSinceMs: 0,
        pending: null,
        replaying: false,
        backlog: true,
      };
      clocks.set(partition, c);
      clockList.push(c);
    }
    return c;
  };
  const epochs = new EpochTracker();
  const counts = new BatchedCounts(GATE_RESULT, (result, n) => metrics.updates.inc({ result }, n), {
    flushEvery: COUNTS_FLUSH_EVERY,
    flushAfterMs: COUNTS_FLUSH_AFTER_MS,
  });
  const altCounts = new BatchedCounts(
    ALT_DROP_REASON,
    (reason, n) => metrics.altitudesDropped.inc({ reason }, n),
    { flushEvery: COUNTS_FLUSH_EVERY, flushAfterMs: COUNTS_FLUSH_AFTER_MS },
  );
  const flushCounts = () => {
    counts.flush();
    altCounts.flush();
  };
  let emitting = config.emitting ?? true;
  // In an object field, not a `let`: a closure variable holding a double is a new heap number
  // every time it is assigned (here: nearly every envelope); a field is updated in place.
  const feed = { tsMs: 0 };
  let active = 0;
  let latencySampledAtMs = -1;
  /** Wakes that carried a report since the wall clock was last read (see WALL_CLOCK_EVERY). */
  let wakesSinceClock = 0;

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
        if (item.late) core.lateTick(item.feedTsMs, item.liveSinceMs, item.evidence);
        else core.tick(item.feedTsMs, item.liveSinceMs, item.evidence);
        if (core.events.length > 0) emitEvents(core, emit);
        continue;
      }
      const env = item;
      const code = core.update(env);
      // Warm-up replays were counted when they first came through: count live envelopes only.
      if ((tag & 1) === 0) {
        counts.add(code);
        if (core.altDrop !== 0) altCounts.add(core.altDrop);
      }
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
    // The wall clock is read (~50 ns, and a new heap number for the closure's double) by one wake
    // in WALL_CLOCK_EVERY that carried a report, and by the last wake of the work dispatched so far
    // (nothing else outstanding), so the feed status sees every batch's end and at 500,000
    // updates/s the clock is never more than ~0.1 ms old.
    if (oldestIngestMs >= 0 && (++wakesSinceClock >= WALL_CLOCK_EVERY || epochs.outstanding === 0)) {
      wakesSinceClock = 0;
      // At most one latency sample per wall-clock millisecond: prom-client's observe() costs
      // ~0.3 us, a sixth of an update's whole work. At a few updates per ms every wake that reads
      // the clock is sampled; at 500,000 updates/s one in 500, spread evenly over time.
      const t = now();
      lastDeliveryWallMs = t;
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
  // It reads only its state and message: nact makes no context for it (nact-fast-path.ts, change 7).
  const actorBody = withoutContext((core: AircraftCore, e: Entry) => wake(core, e));
  const actorProps = {
    shutdownAfter: idleMs,
    initialStateFunc: (ctx: { name: string }) => new AircraftCore(ctx.name, opts, context),
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
    e.n[FIX_TS_MS] = Number.NaN;
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
    if (!e.alive && entries.get(e.icao24) === e) forget(e);
    if (waiters) for (const w of waiters) w();
  }

  /** The aircraft's entry goes (its actor stopped with nothing queued). */
  function forget(e: Entry): void {
    entries.delete(e.icao24);
    const clock = e.clock;
    clock.aircraft--;
    if (e.topSlot >= 0) {
      clock.topEntry[e.topSlot] = null; // its report time still counts, as an anonymous aircraft's
      e.topSlot = -1;
    }
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
   * check, once per silence. `replay`: every partition is replaying warm-up history, so what the
   * checks find was found (and stored) before the restart and is not emitted again.
   */
  function fireTimers(clock: FeedClock, atMs: number, replay: boolean): void {
    const heap = clock.heap;
    while (heap.peekKey() <= atMs) {
      const e = heap.pop() as Entry;
      e.inHeap = false;
      if (!e.alive || entries.get(e.icao24) !== e) continue;
      const n = e.n;
      const gap = e.gapLast;
      const gapDueMs = n[N.GAP_DUE_MS];
      if (gap !== null && gapDueMs <= atMs) {
        // A silence that ended before every partition reached its deadline: decided now, late.
        e.gapLast = null;
        const evidence = coverageEvidence(coverage, opts, gap, gapDueMs);
        enqueue(e, new SilenceCheck(gapDueMs, clock.liveSinceMs, evidence, true), replay);
        schedule(e);
      }
      const due = silenceDueMs(n[N.LAST_TS_MS], signalLostMs);
      if (due > atMs) {
        e.inHeap = true;
        heap.push(e, e.gapLast !== null && gapDueMs < due ? gapDueMs : due);
        continue;
      }
      // The coverage map is read now, at this point of the stream: the actor runs later, when
      // the map may be minutes of feed time further on (a backlog dispatched at once).
      const evidence = Number.isNaN(n[FIX_TS_MS])
        ? null
        : coverageEvidence(coverage, opts, lastFixOf(n), atMs);
      enqueue(e, new SilenceCheck(atMs, clock.liveSinceMs, evidence), replay);
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

  /** How many aircraft must agree to move a clock: feedClockQuorum, fewer in a small partition. */
  function quorumOf(clock: FeedClock): number {
    const q = clock.aircraft - 1;
    return q < 1 ? 1 : Math.min(q, quorumMax);
  }

  /** Notes the aircraft's latest report time among the clock's most recent aircraft. */
  function noteRecent(clock: FeedClock, e: Entry, ts: number): void {
    const top = clock.topTs;
    if (e.topSlot >= 0) {
      if (ts > top[e.topSlot]) top[e.topSlot] = ts;
      return;
    }
    if (clock.topCount < top.length) {
      const k = clock.topCount++;
      top[k] = ts;
      clock.topEntry[k] = e;
      e.topSlot = k;
      return;
    }
    let m = 0;
    for (let k = 1; k < top.length; k++) if (top[k] < top[m]) m = k;
    if (ts <= top[m]) return;
    const old = clock.topEntry[m];
    if (old !== null) old.topSlot = -1;
    top[m] = ts;
    clock.topEntry[m] = e;
    e.topSlot = m;
  }

  /** The q-th largest of the clock's recent report times (q <= topCount). */
  function agreedTs(clock: FeedClock, q: number): number {
    const top = clock.topTs;
    const n = clock.topCount;
    let best = 0; // none: fewer than q aircraft noted
    for (let i = 0; i < n; i++) {
      const v = top[i];
      if (v <= best) continue;
      let atLeast = 0;
      for (let k = 0; k < n; k++) if (top[k] >= v) atLeast++;
      if (atLeast >= q) best = v; // q aircraft have reported at or after v
    }
    return best;
  }

  /**
   * The feed time every partition of this router has reached: silences are decided there. Whether
   * an aircraft went quiet where others are still seen is a question about every partition's
   * reports (the coverage map is shared); a partition that runs ahead (after a restart each
   * partition's backlog comes in its own batches, minutes of feed time apart) must not decide a
   * silence before the others have delivered the reports of that time. So each partition holds it
   * back at its clock: one the bus still has a backlog of (or that has not delivered yet) at most
   * `BACKLOG_WAIT_MS` behind the newest, a caught-up one at most `CAUGHT_UP_WAIT_MS`; an
   * empty one not at all. With one clock (detect) this is that clock.
   */
  function silenceWatermark(): number {
    let newest = 0;
    for (let k = 0; k < clockList.length; k++)
      if (clockList[k].feedTsMs > newest) newest = clockList[k].feedTsMs;
    let atMs = newest;
    for (let k = 0; k < clockList.length; k++) {
      const c = clockList[k];
      // Caught up and never heard from: an empty partition, nothing to wait for.
      if (!c.backlog && c.feedTsMs === 0) continue;
      const floorMs = newest - (c.backlog ? BACKLOG_WAIT_MS : CAUGHT_UP_WAIT_MS);
      const t = c.feedTsMs > floorMs ? c.feedTsMs : floorMs;
      if (t < atMs) atMs = t;
    }
    return atMs;
  }

  /**
   * Every partition's latest envelope was warm-up history. A silence is revealed once every
   * partition has passed its deadline (the watermark); the process before a restart revealed (and
   * stored) it only if each partition's envelope that passed the deadline was committed, i.e. is
   * replayed now. While any partition is live a finding is emitted (again, perhaps: events are
   * upserted by id, the topic is at-least-once).
   */
  function allReplaying(): boolean {
    for (let k = 0; k < clockList.length; k++)
      if (!clockList[k].replaying && clockList[k].feedTsMs > 0) return false;
    return true;
  }

  /** The partition's clock moves to `ts`: an outage if it jumped; silences revealed; held fixes released. */
  function advance(clock: FeedClock, ts: number): void {
    if (clock.feedTsMs > 0 && ts - clock.feedTsMs > outageGapMs) {
      outages++;
      clock.liveSinceMs = ts;
      metrics.feedOutages.inc();
      config.onOutage?.({ partition: clock.partition, fromTsMs: clock.feedTsMs, toTsMs: ts });
    }
    clock.feedTsMs = ts;
    if (ts > feed.tsMs) feed.tsMs = ts;
    // A silence this time reveals is queued for the silent aircraft now, after what they already
    // had and before anything later: once every partition's feed has reached it (the watermark).
    // (never beyond a partition's own clock: one far behind is not waited for, nor judged ahead).
    const watermarkMs = silenceWatermark();
    for (let k = 0; k < clockList.length; k++) {
      const c = clockList[k];
      const atMs = c.feedTsMs < watermarkMs ? c.feedTsMs : watermarkMs;
      if (c.heap.peekKey() <= atMs) fireTimers(c, atMs, allReplaying());
    }
    if (clock.pending !== null) releasePending(clock);
  }

  /** Held fixes now within the tolerance of the clock go through; those held too long are dropped. */
  function releasePending(clock: FeedClock): void {
    const list = clock.pending as Pending[];
    clock.pending = null;
    const keep: Pending[] = [];
    for (const p of list) {
      if (p.env.ts <= clock.feedTsMs + futureTolMs) acceptHeld(p);
      else if (clock.feedTsMs - p.parkedAtMs > futureHoldMs) dropFuture(p);
      else keep.push(p);
    }
    if (keep.length > 0) clock.pending = clock.pending === null ? keep : [...keep, ...clock.pending];
  }

  function dropFuture(p: Pending): void {
    if (!p.replay) counts.add(GATE.FUTURE);
  }

  /**
   * A fix far ahead of its partition's clock: held. When `quorum` aircraft have fixes held that
   * agree with each other (within the tolerance), the feed really moved on: they go through in the
   * order they came, and the clock follows them.
   */
  function park(clock: FeedClock, e: Entry, env: FlightEnvelope, replay: boolean): void {
    if (clock.pending === null) clock.pending = [];
    const list = clock.pending;
    list.push({ e, env, replay, parkedAtMs: clock.feedTsMs });
    if (list.length > MAX_PENDING) dropFuture(list.shift() as Pending);
    const agreeing = new Set<Entry>();
    for (const p of list) if (Math.abs(p.env.ts - env.ts) <= futureTolMs) agreeing.add(p.e);
    if (agreeing.size < quorumOf(clock)) return;
    clock.pending = null;
    const keep: Pending[] = [];
    for (const p of list) {
      if (Math.abs(p.env.ts - env.ts) <= futureTolMs) acceptHeld(p);
      else keep.push(p);
    }
    if (keep.length > 0) clock.pending = clock.pending === null ? keep : [...keep, ...clock.pending];
  }

  /** A held fix goes through (to the aircraft's entry now: its actor may have stopped meanwhile). */
  function acceptHeld(p: Pending): void {
    const cur = entries.get(p.env.icao24);
    accept(cur ?? entryFor(p.env.icao24, p.e.clock), p.env, p.replay);
  }

  function entryFor(icao24: string, clock: FeedClock): Entry {
    clock.aircraft++;
    const e: Entry = {
      icao24,
      clock,
      topSlot: -1,
      coverageKey: -1,
      coverageMinute: -1,
      coveragePending: 0,
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
      n: entryNumbers(),
      gapLast: null,
      inHeap: false,
      stopRequested: false,
      stopWaiters: null,
    };
    entries.set(icao24, e);
    return e;
  }

  /** Queues the envelope for its aircraft and lets the partition's clock follow. */
  function accept(e: Entry, env: FlightEnvelope, replay: boolean): void {
    if (!e.alive) spawnActor(e);
    const clock = e.clock;
    clock.replaying = replay;
    enqueue(e, env, replay);
    const n = e.n;
    const lastTsMs = n[N.LAST_TS_MS];
    if (env.ts > lastTsMs) {
      // Silent long enough, and not yet revealed (the watermark is behind its deadline: another
      // partition lags): keep the fix before the silence for a late check.
      if (e.inHeap && lastTsMs > 0 && silenceFellDue(lastTsMs, env.ts, signalLostMs)) {
        e.gapLast = lastFixOf(n);
        n[N.GAP_DUE_MS] = silenceDueMs(lastTsMs, signalLostMs);
      }
      n[N.LAST_TS_MS] = env.ts;
      copyLastFix(n, env);
    }
    if (!e.inHeap) {
      e.inHeap = true;
      clock.heap.push(e, silenceDueMs(n[N.LAST_TS_MS], signalLostMs));
    }
    schedule(e);
    // Coverage in stream order, as it is dispatched (an actor may run later than others): airborne reports only.
    // The map is written once per aircraft, cell-band and minute (a tile write is a cache miss):
    // the first report there is noted at once, the others are counted on the entry and added in
    // one write when the aircraft moves on to another cell-band or minute.
    if (!env.on_ground) {
      const altM = env.baro_alt_m ?? env.geo_alt_m ?? Number.NaN;
      const key = coverageKeyOf(env.lat, env.lon, altM);
      const minute = bucketOf(env.ts);
      if (key !== e.coverageKey || minute !== e.coverageMinute) {
        if (e.coveragePending > 0) coverage.addReports(e.coverageKey, e.coverageMinute, e.coveragePending);
        e.coverageKey = key;
        e.coverageMinute = minute;
        e.coveragePending = 0;
        coverage.note(env.lat, env.lon, altM, env.ts);
      } else e.coveragePending++;
    }
    // A fix not after the clock cannot move it (the clock is the least of the most recent aircraft's
    // times, and each aircraft's time only grows): most fixes of a busy partition skip this.
    if (env.ts > clock.feedTsMs) {
      noteRecent(clock, e, env.ts);
      const agreed = agreedTs(clock, quorumOf(clock));
      if (agreed > clock.feedTsMs) advance(clock, agreed);
    }
  }

  return {
    dispatch(env, options) {
      const replay = options?.replay === true;
      let e = entries.get(env.icao24);
      if (e === undefined) e = entryFor(env.icao24, clockOf(options?.partition ?? -1));
      const clock = e.clock;
      if (clock.feedTsMs > 0 && env.ts > clock.feedTsMs + futureTolMs && quorumOf(clock) > 1) {
        park(clock, e, env, replay);
        return;
      }
      accept(e, env, replay);
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
      for (const p of revoked) {
        const c = clocks.get(p);
        if (c !== undefined) clockList.splice(clockList.indexOf(c), 1);
        clocks.delete(p);
      }
      return stopEntries(list);
    },
    partitionBacklog(partition, backlog) {
      clockOf(partition).backlog = backlog;
    },
    stopAll() {
      // Fixes still held as ahead of the feed never got agreement: dropped as `future`.
      for (const c of clocks.values()) {
        if (c.pending !== null) for (const p of c.pending) dropFuture(p);
        c.pending = null;
      }
      return stopEntries([...entries.values()]).then(flushCounts);
    },
    get activeCount() {
      return active;
    },
    get feedTsMs() {
      return feed.tsMs;
    },
    feedStatus() {
      const quietMs = lastDeliveryWallMs < 0 ? -1 : Math.max(0, now() - lastDeliveryWallMs);
      return {
        state: quietMs < 0 ? 'waiting' : quietMs > outageGapMs ? 'outage' : 'live',
        feedTsMs: feed.tsMs,
        quietS: quietMs < 0 ? null : Math.round(quietMs / 100) / 10,
        outages,
      };
    },
    get coverage() {
      return coverage;
    },
  };
}
