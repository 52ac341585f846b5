import type { AnomalyEvent } from '../../runtime/contract/index.ts';
import { elevationOf, type NearestAirportCache } from '../airports.ts';
import { BANDS, BUCKET_MS, bandOf, type CoverageMap } from '../coverage.ts';
import type { DetectorOptions } from '../defaults.ts';
import { DEG, M_PER_DEG, wrapDeg } from '../geo.ts';
import type { Observation } from '../observation.ts';
import { PHASE, PHASE_NAMES, type Phase } from '../phase.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from '../slots.ts';
import { anomalyEvent, round1 } from './event.ts';

/** A configured source area (live polling's box): west, south, east, north in degrees. */
export type SourceBox = readonly [number, number, number, number];

type Opts = Pick<
  DetectorOptions,
  | 'signalLostAfterS'
  | 'coverageMinReports'
  | 'coverageAheadM'
  | 'coverageExtentS'
  | 'similarAltitudeM'
  | 'coverageAboveMinutes'
  | 'signalLostMinHeightM'
  | 'arrivalMaxHeightM'
  | 'arrivalRadiusM'
  | 'sourceEdgeMarginM'
>;

/**
 * signal_lost: an airborne aircraft silent for `signalLostAfterS` of feed time where we can see.
 * The router delivers `tick` when the aircraft's partition clock passes its deadline; it opens an
 * event only if all of these hold, and the event's details say what was found:
 * - the aircraft was airborne (not in the ground phase) at its last report;
 * - it was not low near an airport (below `arrivalMaxHeightM` within `arrivalRadiusM`): a landing,
 *   or an arrival or departure below what receivers see there;
 * - the feed has been live since before its last report (no outage of the source in between:
 *   what vanished during an outage could have gone anywhere);
 * - where it should be now (dead-reckoned from its last position, track and speed), coverage is
 *   live: others were reported there (3x3 cells of the coverage map, its altitude band or the one
 *   below) at least `coverageMinReports` times during the silence, and both that position and the
 *   one `coverageAheadM` further on lie inside what the source covers (coverage.ts `insideSince`:
 *   covered cells on every side within `coverageExtentS`): it is not leaving the area at its edge;
 * - it was higher than `signalLostMinHeightM` over the nearest airport (or sea level): lower,
 *   flights drop out behind terrain and the horizon;
 * - others were seen around that position during the silence at least as high as it would be now
 *   (its last altitude plus its vertical rate over the silence, less `similarAltitudeM`), in at
 *   least `coverageAboveMinutes` (cell, minute) pairs: it is not above what the source sees there
 *   (a recording's or a receiver's ceiling is an edge too);
 * - for live polling, that position is `sourceEdgeMarginM` inside the configured box.
 * Info; started at the last report, closed by the next accepted update. Time is the stream's.
 */
export class SignalLostMachine implements Slotted {
  static readonly SLOTS: number;
  open = false;
  declare private lastTsMs: number;
  declare private detectedAt: number;
  declare private lastLat: number;
  declare private lastLon: number;
  declare private lastAltM: number;
  declare private lastSpeedMs: number;
  declare private lastTrackDeg: number;
  declare private lastVrateMs: number;
  private lastPhase: Phase = PHASE.UNKNOWN;
  private lastLive = false;
  private icao24 = '';
  private callsign: string | null = null;
  /**
   * A silence that ended before the router revealed it (its partition ran ahead of another:
   * `lateTick`): the last report before it, and the first after. gapTsMs -1: none kept.
   */
  declare private gapTsMs: number;
  declare private gapLat: number;
  declare private gapLon: number;
  declare private gapAltM: number;
  declare private gapSpeedMs: number;
  declare private gapTrackDeg: number;
  declare private gapVrateMs: number;
  declare private gapEndTsMs: number;
  declare private gapEndLat: number;
  declare private gapEndLon: number;
  private gapPhase: Phase = PHASE.UNKNOWN;
  private gapLive = false;
  private gapCallsign: string | null = null;

  constructor(
    private readonly opts: Opts,
    /** Where the nearest airport of the last position is looked up, only when a tick needs it. */
    private readonly airports: NearestAirportCache | null = null,
    /** Null: no coverage condition (the aircraft alone is all that is known). */
    private readonly coverage: CoverageMap | null = null,
    private readonly sourceBox: SourceBox | null = null,
    readonly s: SlotArray = slotArray(SignalLostMachine.SLOTS),
    readonly b = 0,
  ) {
    this.lastTsMs = -1;
    this.gapTsMs = -1;
  }

  /** Where the aircraft was last seen (the event's position). */
  private last() {
    return {
      icao24: this.icao24,
      callsign: this.callsign,
      lat: this.lastLat,
      lon: this.lastLon,
      altM: this.lastAltM,
    };
  }

  /** The nearest airport of the last position (the answer depends on the position alone). */
  private airport(): string | null {
    if (this.airports === null) return null;
    this.airports.at(this.lastLat, this.lastLon);
    return this.airports.airport?.ident ?? null;
  }

  /** An accepted update: closes an open event, and remembers where the aircraft was last seen. */
  update(o: Observation, out: AnomalyEvent[]): void {
    if (this.open) this.close(o.tsMs, o.lat, o.lon, out);
    else if (this.lastTsMs >= 0 && silenceFellDue(this.lastTsMs, o.tsMs, this.opts.signalLostAfterS * 1000))
      this.keepGap(o); // silent long enough: the router may reveal it only now (lateTick)
    this.lastTsMs = o.tsMs;
    this.lastPhase = o.phase;
    this.lastLive = o.liveSource;
    this.icao24 = o.icao24;
    this.callsign = o.callsign;
    this.lastLat = o.lat;
    this.lastLon = o.lon;
    this.lastAltM = o.altM;
    this.lastSpeedMs = o.speedMs;
    this.lastTrackDeg = o.trackDeg;
    this.lastVrateMs = o.vrateMs;
  }

  private close(endTsMs: number, lat: number, lon: number, out: AnomalyEvent[]): void {
    this.open = false;
    out.push(
      anomalyEvent(
        'signal_lost',
        'closed',
        'info',
        this.last(),
        { startedAt: this.lastTsMs, detectedAt: this.detectedAt, endedAt: endTsMs },
        this.airport(),
        { silent_s: Math.round((endTsMs - this.lastTsMs) / 1000), resumed_lat: lat, resumed_lon: lon },
      ),
    );
  }

  /** Keeps the last report before a long silence and the first after it (for `lateTick`). */
  private keepGap(o: Observation): void {
    this.gapTsMs = this.lastTsMs;
    this.gapLat = this.lastLat;
    this.gapLon = this.lastLon;
    this.gapAltM = this.lastAltM;
    this.gapSpeedMs = this.lastSpeedMs;
    this.gapTrackDeg = this.lastTrackDeg;
    this.gapVrateMs = this.lastVrateMs;
    this.gapPhase = this.lastPhase;
    this.gapLive = this.lastLive;
    this.gapCallsign = this.callsign;
    this.gapEndTsMs = o.tsMs;
    this.gapEndLat = o.lat;
    this.gapEndLon = o.lon;
  }

  /**
   * A silence revealed only after it ended: the aircraft's partition ran ahead of another, so the
   * router waited for every partition to reach the deadline `dueMs` (the coverage evidence needs
   * their reports) while this actor already had the reports after it. Decided as `tick` would have
   * at the deadline, from the last report before the silence; if it opens, it closes at once at
   * the first report after (the same two events, with the same id, as when revealed in time).
   */
  lateTick(dueMs: number, liveSinceMs: number, out: AnomalyEvent[], evidence: CoverageEvidence | null): void {
    if (
      this.open ||
      this.gapTsMs < 0 ||
      silenceDueMs(this.gapTsMs, this.opts.signalLostAfterS * 1000) !== dueMs
    )
      return;
    const now = { fix: this.lastFix(), phase: this.lastPhase, live: this.lastLive, callsign: this.callsign };
    this.setLast({
      tsMs: this.gapTsMs,
      lat: this.gapLat,
      lon: this.gapLon,
      altM: this.gapAltM,
      speedMs: this.gapSpeedMs,
      trackDeg: this.gapTrackDeg,
      vrateMs: this.gapVrateMs,
    });
    this.lastPhase = this.gapPhase;
    this.lastLive = this.gapLive;
    this.callsign = this.gapCallsign;
    this.gapTsMs = -1;
    this.tick(dueMs, liveSinceMs, out, evidence);
    if (this.open) this.close(this.gapEndTsMs, this.gapEndLat, this.gapEndLon, out);
    this.setLast(now.fix);
    this.lastPhase = now.phase;
    this.lastLive = now.live;
    this.callsign = now.callsign;
  }

  /** The last report's numbers (what signal_lost dead-reckons from). */
  private lastFix(): LastFix {
    return {
      tsMs: this.lastTsMs,
      lat: this.lastLat,
      lon: this.lastLon,
      altM: this.lastAltM,
      speedMs: this.lastSpeedMs,
      trackDeg: this.lastTrackDeg,
      vrateMs: this.lastVrateMs,
    };
  }

  private setLast(f: LastFix): void {
    this.lastTsMs = f.tsMs;
    this.lastLat = f.lat;
    this.lastLon = f.lon;
    this.lastAltM = f.altM;
    this.lastSpeedMs = f.speedMs;
    this.lastTrackDeg = f.trackDeg;
    this.lastVrateMs = f.vrateMs;
  }

  /** A report that proves the transponder is heard but brings no new position (a stale one). */
  heard(tsMs: number): void {
    if (!this.open && this.lastTsMs >= 0 && tsMs > this.lastTsMs) this.lastTsMs = tsMs;
  }

  /**
   * The feed clock of the aircraft's partition advanced to `feedTsMs`; the feed has been live (no
   * outage) since `liveSinceMs`. Opens the event if this aircraft has gone quiet where we can see.
   * `evidence`: the coverage map's answer worked out at that point of the stream (the router's);
   * null: read the map now (a caller that runs in stream order).
   */
  tick(
    feedTsMs: number,
    liveSinceMs: number,
    out: AnomalyEvent[],
    evidence: CoverageEvidence | null = null,
  ): void {
    if (this.open || this.lastTsMs < 0) return;
    const silentMs = feedTsMs - this.lastTsMs;
    if (silentMs < this.opts.signalLostAfterS * 1000) return;
    if (this.lastPhase === PHASE.GROUND || this.lastPhase === PHASE.UNKNOWN) return;
    if (this.lastTsMs < liveSinceMs) return; // it went quiet with the whole feed (an outage)
    const op = this.opts;
    let airportIdent: string | null = null;
    let airportDistM = Number.NaN;
    if (this.airports !== null) {
      this.airports.at(this.lastLat, this.lastLon);
      const ap = this.airports.airport;
      airportIdent = ap?.ident ?? null;
      airportDistM = this.airports.distM;
      const height = this.lastAltM - elevationOf(ap);
      // Low near an airport: landed, or below what receivers see there (arrivals, departures).
      if (ap !== null && airportDistM <= op.arrivalRadiusM && !(height >= op.arrivalMaxHeightM)) return;
      // Low anywhere: flights that low drop out behind terrain and the horizon.
      if (!(height >= op.signalLostMinHeightM)) return;
    } else if (!(this.lastAltM >= op.signalLostMinHeightM)) return;
    // Where it should be now.
    const last = this.lastFix();
    const { lat: drLat, lon: drLon } = deadReckon(last, silentMs);
    const box = this.sourceBox;
    if (box !== null && this.lastLive && !insideBy(box, drLat, drLon, op.sourceEdgeMarginM)) return;
    let nearby = -1;
    let drAltM = Number.NaN;
    let seenAbove = -1;
    const band = bandOf(this.lastAltM);
    const cov = this.coverage;
    if (cov !== null) {
      const ev = evidence ?? coverageEvidence(cov, op, last, feedTsMs);
      nearby = ev.nearby;
      if (nearby < op.coverageMinReports) return;
      // Not above what the source sees there: others seen as high as it would be now (a
      // recording's or a receiver's ceiling is an edge too).
      drAltM = ev.drAltM;
      seenAbove = ev.seenAbove;
      if (seenAbove < op.coverageAboveMinutes) return;
      // Inside what the source covers where it should be now, and still some way ahead.
      if (!ev.inside) return;
    }
    this.open = true;
    this.detectedAt = feedTsMs;
    out.push(
      anomalyEvent(
        'signal_lost',
        'open',
        'info',
        this.last(),
        { startedAt: this.lastTsMs, detectedAt: feedTsMs, endedAt: null },
        airportIdent,
        {
          silent_s: Math.round(silentMs / 1000),
          last_phase: PHASE_NAMES[this.lastPhase],
          dead_reckoned_lat: Math.round(drLat * 1e5) / 1e5,
          dead_reckoned_lon: Math.round(drLon * 1e5) / 1e5,
          ...(cov !== null
            ? {
                nearby_reports: nearby,
                dead_reckoned_alt_m: Math.round(drAltM),
                minutes_seen_as_high: seenAbove,
                altitude_band: `${band}/${BANDS - 1}`,
                covered_ahead_m: op.coverageAheadM,
              }
            : {}),
          ...(Number.isNaN(airportDistM) ? {} : { airport_dist_m: round1(airportDistM) }),
        },
      ),
    );
  }

  /** ms of the last accepted update (-1 before any): the router's timer wheel keys on it. */
  get lastUpdateTsMs(): number {
    return this.lastTsMs;
  }
}

/**
 * When a silence since the report at `lastTsMs` is judged: `afterMs` (signalLostAfterS) after it,
 * and not before half of the minute it falls due in has been seen. The coverage evidence counts
 * the coverage map's whole minutes after the one holding the last report (that minute holds the
 * aircraft's own reports) up to the one holding the decision; judged right at `lastTsMs + afterMs`,
 * that was 60 to 120 s of others' reports depending on where the last report fell in its minute,
 * and a report a couple of seconds into a minute left one minute seen: the same silence was
 * reported or not depending on the second it began (the NYC fixture's signal_lost, replayed
 * shifted by a random amount, was lost in about one run in thirty). Now at least 90 s: the decision
 * comes up to 30 s later for a silence that began early in its minute.
 */
export function silenceDueMs(lastTsMs: number, afterMs: number): number {
  const dueMs = lastTsMs + afterMs;
  const halfSeenMs = Math.floor(dueMs / BUCKET_MS) * BUCKET_MS + BUCKET_MS / 2;
  return Math.max(dueMs, halfSeenMs);
}

/**
 * Whether a report at `nowMs` comes after a silence since `lastTsMs` had fallen due
 * (silenceDueMs). Asked for every report: the plain subtraction first (the due time is never
 * earlier than `lastTsMs + afterMs`, and most reports come well within it), the due time only then.
 */
export function silenceFellDue(lastTsMs: number, nowMs: number, afterMs: number): boolean {
  return nowMs - lastTsMs >= afterMs && nowMs >= silenceDueMs(lastTsMs, afterMs);
}

/** The dead-reckoned altitude follows the last vertical rate at most this far. */
const MAX_DR_CLIMB_M = 3_000;

/** Where a silent aircraft should be now, from its last fix (speed and track, vertical rate). */
export interface LastFix {
  tsMs: number;
  lat: number;
  lon: number;
  altM: number;
  /** NaN when unknown (it stays where it was; level). */
  speedMs: number;
  trackDeg: number;
  vrateMs: number;
}

/**
 * What the coverage map says of a silence (signal_lost's coverage conditions). Worked out when the
 * feed passes the aircraft's deadline, in stream order, by the router: the map is written as
 * reports are dispatched and the actors run later, so a map read by the actor could already be
 * minutes of feed time further on (a backlog dispatched at once after a restart) and have forgotten
 * the minutes of the silence.
 */
export interface CoverageEvidence {
  /** Reports of others around the dead-reckoned position, its band or the one below, during the silence. */
  nearby: number;
  /** (cell, minute) pairs there with a report as high as it would be now. */
  seenAbove: number;
  drAltM: number;
  /** The dead-reckoned position, and the one `coverageAheadM` further on, lie inside what the source covers. */
  inside: boolean;
}

/** Reads the coverage map for a silence of `last` at feed time `feedTsMs`. */
export function coverageEvidence(
  cov: CoverageMap,
  op: Pick<Opts, 'coverageAheadM' | 'coverageExtentS' | 'similarAltitudeM'>,
  last: LastFix,
  feedTsMs: number,
): CoverageEvidence {
  const silentMs = feedTsMs - last.tsMs;
  const dr = deadReckon(last, silentMs);
  const band = bandOf(last.altM);
  const nearby = cov.reportsNear(dr.lat, dr.lon, band - 1, band, last.tsMs, feedTsMs);
  const vrate = Number.isNaN(last.vrateMs) ? 0 : last.vrateMs;
  const drAltM = last.altM + Math.max(-MAX_DR_CLIMB_M, Math.min(MAX_DR_CLIMB_M, (vrate * silentMs) / 1000));
  const seenAbove = cov.minutesSeenAbove(dr.lat, dr.lon, drAltM - op.similarAltitudeM, last.tsMs, feedTsMs);
  const sinceMs = feedTsMs - op.coverageExtentS * 1000;
  const aheadM = dr.moveM + op.coverageAheadM;
  const inside =
    cov.insideSince(dr.lat, dr.lon, sinceMs, COVERAGE_REACH_CELLS, COVERAGE_MIN_SIDES) &&
    cov.insideSince(
      clampLat(last.lat + aheadM * dr.dLatPerM),
      wrapDeg(last.lon + aheadM * dr.dLonPerM),
      sinceMs,
      COVERAGE_REACH_CELLS,
    );
  return { nearby, seenAbove, drAltM, inside };
}

function deadReckon(last: LastFix, silentMs: number) {
  const moveM = Number.isNaN(last.speedMs) ? 0 : (last.speedMs * silentMs) / 1000;
  const tr = Number.isNaN(last.trackDeg) ? 0 : last.trackDeg * DEG;
  const dLatPerM = Math.cos(tr) / M_PER_DEG;
  const dLonPerM = Math.sin(tr) / (M_PER_DEG * Math.max(0.01, Math.cos(last.lat * DEG)));
  return {
    lat: clampLat(last.lat + moveM * dLatPerM),
    lon: wrapDeg(last.lon + moveM * dLonPerM),
    moveM,
    dLatPerM,
    dLonPerM,
  };
}

/** A point is inside the source's coverage with covered cells within this many cells on every side. */
const COVERAGE_REACH_CELLS = 3;
/** ...on at least this many of the four sides (three: an aircraft flying along the edge is inside). */
const COVERAGE_MIN_SIDES = 3;

const clampLat = (lat: number): number => (lat > 90 ? 90 : Math.max(lat, -90));

/** (lat, lon) lies inside `box` by at least `marginM`. */
function insideBy(box: SourceBox, lat: number, lon: number, marginM: number): boolean {
  const [w, s, e, n] = box;
  const mLat = marginM / M_PER_DEG;
  const mLon = marginM / (M_PER_DEG * Math.max(0.01, Math.cos(lat * DEG)));
  return lat >= s + mLat && lat <= n - mLat && lon >= w + mLon && lon <= e - mLon;
}

(SignalLostMachine as unknown as { SLOTS: number }).SLOTS = defineSlots(SignalLostMachine, [
  'lastTsMs',
  'detectedAt',
  'lastLat',
  'lastLon',
  'lastAltM',
  'lastSpeedMs',
  'lastTrackDeg',
  'lastVrateMs',
  'gapTsMs',
  'gapLat',
  'gapLon',
  'gapAltM',
  'gapSpeedMs',
  'gapTrackDeg',
  'gapVrateMs',
  'gapEndTsMs',
  'gapEndLat',
  'gapEndLon',
]);
