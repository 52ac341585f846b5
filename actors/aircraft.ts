import {
  type AnomalyEvent,
  type AnomalyType,
  type FlightEnvelope,
  type HistoryRow,
  type HistorySink,
  historyRowOf,
  SMOOTH_ALT_M,
  SMOOTH_LAT,
  SMOOTH_LON,
  type Track,
  type TrackSource,
} from '../runtime/contract/index.ts';
import { AirportIndex, elevationOf, NearestAirportCache } from './airports.ts';
import { ALT, AltitudeGate } from './altitude-gate.ts';
import type { CoverageMap } from './coverage.ts';
import type { DetectorOptions } from './defaults.ts';
import { FILTER, FIX, FIX_IN, TrackFilter } from './kalman.ts';
import { EmergencySquawkMachine } from './machines/emergency-squawk.ts';
import { GoAroundMachine } from './machines/go-around.ts';
import { RapidDescentMachine } from './machines/rapid-descent.ts';
import type { CoverageEvidence, SourceBox } from './machines/signal-lost.ts';
import { SignalLostMachine } from './machines/signal-lost.ts';
import { Observation } from './observation.ts';
import { GATE, type GateCode, OrderGate } from './order-gate.ts';
import { airbornePhase, PHASE } from './phase.ts';
import { slotArray } from './slots.ts';

/** Why this update's altitude was not used (`AircraftCore.altDrop`; `altitudes_dropped_total{reason}`). */
export const ALT_DROP = { NONE: 0, IMPLAUSIBLE: 1, GROUND: 2, STOPPED: 3 } as const;
export const ALT_DROP_REASON = ['none', 'implausible', 'ground', 'stopped'] as const;
/** OpenSky emitter categories that may hover or drift slowly with a real altitude: rotorcraft, lighter-than-air. */
const CATEGORY_ROTORCRAFT = 8;
const CATEGORY_LIGHTER_THAN_AIR = 10;

/** What every aircraft of one router shares: the airports, the coverage map, the source's box. */
export interface AircraftContext {
  airports: AirportIndex;
  /**
   * Where reports arrive (signal_lost asks it); the router notes every report in it as it is
   * dispatched, in stream order. Null: no coverage condition (a core driven alone).
   */
  coverage: CoverageMap | null;
  /** The configured box of live polling (w, s, e, n), or null. */
  sourceBox: SourceBox | null;
}

const NO_ANOMALIES: readonly AnomalyType[] = Object.freeze([]);
/** The smoothed values handed to HistorySink.writeFix, read during the call only: one for all. */
const SMOOTH = new Float64Array(3);

/**
 * Everything one aircraft knows, as a pure object: order gate -> Kalman -> nearest airport ->
 * anomaly machines. No I/O, no clock: the nact actor and the benchmark's plain Map loop both
 * drive exactly this. Events accumulate in `events` until the caller takes them. It is the
 * board's TrackSource: the board builds its Track when it needs one (at its tick or a read).
 */
export class AircraftCore implements TrackSource {
  readonly events: AnomalyEvent[] = [];
  readonly gate: OrderGate;
  readonly filter: TrackFilter;
  private readonly altGate: AltitudeGate;
  /** Why the last update's altitude was dropped (ALT_DROP), read by the router for its counts. */
  altDrop: number = ALT_DROP.NONE;
  /** Flights begun by this aircraft (a landing, a long silence or a track reset ends one). */
  flights = 0;
  private readonly airport: NearestAirportCache;
  private readonly obs: Observation;
  private readonly rapid: RapidDescentMachine;
  private readonly goAround: GoAroundMachine;
  private readonly emergency: EmergencySquawkMachine;
  private readonly signal: SignalLostMachine;
  private originCountry: string | null = null;
  /** The last accepted envelope reported a speed (the Track shows velocity then, even if 0). */
  private lastHadSpeed = false;
  private anomalyList: readonly AnomalyType[] = NO_ANOMALIES;
  private anomalyMask = 0;
  /** TrackSource: the board's note. */
  boardMark = 0;

  constructor(
    readonly icao24: string,
    private readonly opts: DetectorOptions,
    context: AircraftContext | AirportIndex,
  ) {
    const ctx: AircraftContext =
      context instanceof AirportIndex ? { airports: context, coverage: null, sourceBox: null } : context;
    const airports = ctx.airports;
    // Every number this aircraft keeps, in one array of doubles: unboxed, contiguous (slots.ts).
    const rapidSlots = RapidDescentMachine.slotsFor(opts);
    const s = slotArray(
      OrderGate.SLOTS +
        AltitudeGate.SLOTS +
        TrackFilter.SLOTS +
        NearestAirportCache.SLOTS +
        Observation.SLOTS +
        GoAroundMachine.SLOTS +
        EmergencySquawkMachine.SLOTS +
        SignalLostMachine.SLOTS +
        rapidSlots,
    );
    // Each part's slots follow the previous part's (offsets summed inline: a closure here would be
    // a function object per aircraft, and tsx's keepNames names each one, ~0.4 us per spawn).
    let b = 0;
    this.gate = new OrderGate(opts, s, b);
    b += OrderGate.SLOTS;
    this.altGate = new AltitudeGate(opts, s, b);
    b += AltitudeGate.SLOTS;
    this.filter = new TrackFilter(opts, s, b);
    b += TrackFilter.SLOTS;
    this.airport = new NearestAirportCache(airports, opts.airportRadiusM, s, b);
    b += NearestAirportCache.SLOTS;
    this.obs = new Observation(icao24, this.airport, s, b);
    b += Observation.SLOTS;
    this.goAround = new GoAroundMachine(opts, s, b);
    b += GoAroundMachine.SLOTS;
    this.emergency = new EmergencySquawkMachine(opts, s, b);
    b += EmergencySquawkMachine.SLOTS;
    this.signal = new SignalLostMachine(opts, this.airport, ctx.coverage, ctx.sourceBox, s, b);
    b += SignalLostMachine.SLOTS;
    this.rapid = new RapidDescentMachine(opts, s, b);
  }

  /** One validated envelope. Returns the gate's verdict; machines run only on accepted fixes. */
  update(env: FlightEnvelope): GateCode {
    const op = this.opts;
    const prevTs = this.gate.lastTsMs;
    const speedIn = env.speed_ms ?? Number.NaN;
    const moving = !env.on_ground || speedIn > op.staleMinSpeedMs;
    const code = this.gate.check(env.ts, env.lat, env.lon, moving);
    this.altDrop = ALT_DROP.NONE;
    if (code === GATE.STALE) {
      this.signal.heard(env.ts); // the transponder is heard, but its position says nothing new
      return code;
    }
    if (code !== GATE.ACCEPTED && code !== GATE.RESET) return code;
    const o = this.obs;
    const out = this.events;
    // A long silence or a track reset ends the flight: no machine spans it.
    if (prevTs >= 0 && (code === GATE.RESET || env.ts - prevTs > op.flightGapS * 1000))
      this.endFlight(prevTs);
    // Nothing of the envelope is kept but small values: holding the envelope (or new copies of
    // unchanged strings) would keep it alive until the aircraft's next update, through young-gen
    // GCs that then copy and promote it, for every aircraft (measured: a third of the GC time).
    this.lastHadSpeed = env.speed_ms != null;
    const f = this.filter;

    // Plausible altitudes: none on the ground or from a stopped aircraft, none implying an
    // impossible vertical rate unless the next report confirms it (then a jump: no rate across it).
    let alt = env.baro_alt_m ?? env.geo_alt_m ?? Number.NaN;
    let altJump = false;
    const category = env.category ?? -1;
    if (env.on_ground) {
      if (!Number.isNaN(alt)) this.altDrop = ALT_DROP.GROUND;
      alt = Number.NaN;
      f.holdAltitude();
    } else if (!Number.isNaN(alt)) {
      if (
        speedIn < op.stoppedSpeedMs &&
        category !== CATEGORY_ROTORCRAFT &&
        category !== CATEGORY_LIGHTER_THAN_AIR
      ) {
        this.altDrop = ALT_DROP.STOPPED;
        alt = Number.NaN;
        f.holdAltitude();
      } else {
        const ac = this.altGate.check(alt, env.ts);
        if (ac === ALT.IMPLAUSIBLE) {
          this.altDrop = ALT_DROP.IMPLAUSIBLE;
          alt = Number.NaN;
        } else if (ac === ALT.JUMP) {
          altJump = true;
          f.resetAltitude();
        }
      }
    }

    const x = FIX_IN; // the fix goes to the filter in slots, not as nine (boxed) arguments
    x[FIX.TS] = env.ts;
    x[FIX.LAT] = env.lat;
    x[FIX.LON] = env.lon;
    x[FIX.ALT] = alt;
    x[FIX.SPEED] = speedIn;
    x[FIX.TRACK] = env.track_deg ?? Number.NaN;
    x[FIX.VRATE] = env.vrate_ms ?? Number.NaN;
    x[FIX.POS_SOURCE] = env.pos_source ?? 0;
    const fc = f.fold(code === GATE.RESET);
    const reinit = fc === FILTER.INITIALISED || fc === FILTER.REINITIALISED;
    if (reinit || altJump) this.rapid.resetWindow();
    // A gap (or a reset track) restarts the filter: the approach is not followed across it. (A
    // re-initialisation after outliers, a sharp manoeuvre, is no gap: the approach goes on.)
    if (fc === FILTER.INITIALISED) this.goAround.reset();

    if (env.callsign && env.callsign !== o.callsign) o.callsign = env.callsign;
    if (env.origin_country && env.origin_country !== this.originCountry)
      this.originCountry = env.origin_country;
    o.tsMs = env.ts;
    f.writeSmoothed(o.s, o.b + Observation.SMOOTHED_AT); // lat, lon, altM, vrateMs
    o.onGround = env.on_ground;
    o.speedMs = Number.isNaN(speedIn) ? f.speedMs : speedIn;
    o.trackDeg = env.track_deg ?? f.trackDeg;
    o.reportedVrateMs = env.vrate_ms ?? Number.NaN;
    o.plausibleAltM = altJump ? Number.NaN : alt;
    o.category = category;
    o.liveSource = env.source === 'opensky';
    const squawk = env.squawk ?? null;
    if (squawk !== o.squawk) o.squawk = squawk;
    o.moved();

    // Flight phase: ground when reported so, or slow and low near an airport (many feeds never set
    // on_ground); else the fuzzy airborne phase. A take-off starts a new flight for the machines.
    const prevPhase = o.phase;
    o.phase =
      env.on_ground || this.slowAndLowAtAirport()
        ? PHASE.GROUND
        : airbornePhase(prevPhase, o.altM, o.vrateMs);
    if (prevPhase === PHASE.GROUND && o.phase !== PHASE.GROUND) this.takeOff();

    this.signal.update(o, out);
    this.emergency.update(o, out);
    this.rapid.update(o, out);
    this.goAround.update(o, out);
    return code;
  }

  /** Slower than taxi speed, low, near an airport: landed (the airport is looked up only when slow). */
  private slowAndLowAtAirport(): boolean {
    const o = this.obs;
    const op = this.opts;
    if (!(o.speedMs < op.landingSpeedMs)) return false;
    const ap = o.airport;
    if (ap === null || !(o.airportDistM <= op.landingRadiusM)) return false;
    return Number.isNaN(o.altM) || o.altM - elevationOf(ap) < op.landingMaxHeightM;
  }

  /** Airborne after the ground: a new flight for the machines that follow one. */
  private takeOff(): void {
    this.flights++;
    this.goAround.reset();
    this.rapid.resetWindow();
  }

  /** The flight ended at `lastTsMs` (a long silence or a track reset): open events close there, machines start clean. */
  private endFlight(lastTsMs: number): void {
    this.flights++;
    const o = this.obs;
    this.rapid.endFlight(o, this.events, lastTsMs);
    this.emergency.endFlight(o, this.events, lastTsMs);
    this.goAround.reset();
    this.altGate.clear();
    o.phase = PHASE.UNKNOWN;
  }

  /**
   * The feed clock moved on (stream time): only signal_lost cares. `liveSinceMs`: the feed (this
   * aircraft's partition) has delivered without an outage since then.
   */
  tick(feedTsMs: number, liveSinceMs = 0, evidence: CoverageEvidence | null = null): void {
    this.signal.tick(feedTsMs, liveSinceMs, this.events, evidence);
  }

  /** A silence that ended before its deadline `dueMs` was revealed (signal_lost's `lateTick`). */
  lateTick(dueMs: number, liveSinceMs: number, evidence: CoverageEvidence | null): void {
    this.signal.lateTick(dueMs, liveSinceMs, this.events, evidence);
  }

  /** ms of the last accepted update, -1 before any. */
  get lastTsMs(): number {
    return this.gate.lastTsMs;
  }

  /**
   * The board's view after the last accepted update, rounded as `roundTrack` does (contract
   * section 6: 5 decimals of a degree, whole metres, 0.1 m/s and deg). Rounded while it is built:
   * `roundTrack` on a built Track computes 10 ** decimals and rewrites six fields, a few percent of
   * an update's time; aircraft.test.ts checks the two agree.
   */
  track(): Track {
    const o = this.obs;
    const f = this.filter;
    const speedMs = f.speedMs;
    const hasVel = this.lastHadSpeed || speedMs > 0;
    const altM = o.altM;
    const vrateMs = o.vrateMs;
    return {
      icao24: this.icao24,
      callsign: o.callsign,
      origin_country: this.originCountry,
      lat: Math.round(o.lat * 1e5) / 1e5,
      lon: Math.round(o.lon * 1e5) / 1e5,
      alt_m: Number.isNaN(altM) ? null : Math.round(altM),
      speed_ms: hasVel ? Math.round(speedMs * 10) / 10 : null,
      track_deg: hasVel ? Math.round(f.trackDeg * 10) / 10 : null,
      vrate_ms: Number.isNaN(vrateMs) ? null : Math.round(vrateMs * 10) / 10,
      on_ground: o.onGround,
      squawk: o.squawk,
      ts: o.tsMs,
      anomalies: this.anomalies() as Track['anomalies'],
    };
  }

  /**
   * Hands the history row of the accepted envelope to `sink` without building a row object
   * (HistorySink.writeFix: the raw values stay in the envelope, the smoothed ones are passed in a
   * scratch array). Returns what the sink's write returns.
   */
  writeHistory(env: FlightEnvelope, sink: HistorySink): boolean {
    return sink.writeFix(env, this.obs.callsign, this.smoothed());
  }

  /** The history row for an accepted envelope, as a plain object: raw values plus the smoothed position. */
  historyRow(env: FlightEnvelope): HistoryRow {
    return historyRowOf(env, this.obs.callsign, this.smoothed());
  }

  /** The smoothed position as history rows keep it (millionths of a degree, decimetres). */
  private smoothed(): Float64Array {
    const o = this.obs;
    SMOOTH[SMOOTH_LAT] = Math.round(o.lat * 1e6) / 1e6;
    SMOOTH[SMOOTH_LON] = Math.round(o.lon * 1e6) / 1e6;
    SMOOTH[SMOOTH_ALT_M] = Math.round(o.altM * 10) / 10; // NaN (no altitude yet) stays NaN: null
    return SMOOTH;
  }

  /** Open anomaly types (plus a recent go-around); the same frozen array while nothing changes. */
  anomalies(): readonly AnomalyType[] {
    const mask =
      (this.rapid.open ? 1 : 0) |
      (this.goAround.flagged(this.obs.tsMs) ? 2 : 0) |
      (this.emergency.open ? 4 : 0) |
      (this.signal.open ? 8 : 0);
    if (mask !== this.anomalyMask) {
      const list: AnomalyType[] = [];
      if (mask & 1) list.push('rapid_descent');
      if (mask & 2) list.push('go_around');
      if (mask & 4) list.push('emergency_squawk');
      if (mask & 8) list.push('signal_lost');
      this.anomalyMask = mask;
      this.anomalyList = mask === 0 ? NO_ANOMALIES : Object.freeze(list);
    }
    return this.anomalyList;
  }
}
