import type { AnomalyEvent } from '../../runtime/contract/index.ts';
import { type AirportRef, elevationOf } from '../airports.ts';
import type { DetectorOptions } from '../defaults.ts';
import { fastDistM } from '../geo.ts';
import type { Observation } from '../observation.ts';
import { PHASE } from '../phase.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from '../slots.ts';
import { anomalyEvent, round1 } from './event.ts';

type Opts = Pick<
  DetectorOptions,
  | 'approachRadiusM'
  | 'approachMaxHeightM'
  | 'approachDescentRateMs'
  | 'lowPointRadiusM'
  | 'goAroundMaxLowHeightM'
  | 'goAroundMinClimbM'
  | 'goAroundHoldS'
  | 'goAroundClearClimbM'
  | 'approachMinDescentM'
  | 'approachDescentWindowS'
  | 'approachDescentRadiusM'
  | 'goAroundFlagS'
  | 'goAroundMaxClimbS'
>;

/** OpenSky emitter category of gliders: they circle low near airfields in thermals; never an approach. */
const CATEGORY_GLIDER = 9;
/** Completed buckets of the recent-high memory (each a tenth of `approachDescentWindowS`). */
const HIGH_BUCKETS = 10;
/** Slots of the buckets: their highest altitude, newest first, then where it was (lat, lon). */
const HIGH_ALT = 0;
const HIGH_LAT = HIGH_BUCKETS;
const HIGH_LON = 2 * HIGH_BUCKETS;

/**
 * go_around: an aborted approach, as the field defines it: a descent towards an airport, low over
 * the runway or on short final, then a sustained climb without touching down.
 *
 * IDLE -> APPROACH within `approachRadiusM` of the nearest airport, below `approachMaxHeightM` over
 * its elevation, either in the descent phase (phase.ts) or having descended `approachMinDescentM`
 * from its recent high (a calibration run flies level for minutes after its descent). In APPROACH
 * the lowest point within `lowPointRadiusM` is tracked (heights over that airport: KDEN counts
 * from its own 1,655 m), with how far the aircraft had come down to it from the highest altitude of
 * the last `approachDescentWindowS` (kept in ten buckets: one comparison per update). A low point
 * under `goAroundMaxLowHeightM`, reached after a descent of `approachMinDescentM`, followed within
 * `goAroundMaxClimbS` by a climb of `goAroundMinClimbM` over it is a go-around once the climb is
 * sustained: it stays that high for `goAroundHoldS`, or goes on to `goAroundClearClimbM`. An
 * aircraft that pops up off a low pass and comes straight back down to land (a tight circuit) has
 * not gone around: the approach goes on, and its landing ends it. One event, emitted closed.
 * The approach ends silently on the ground (on_ground, or slowed to taxi speed low at the airport:
 * a landing or touch-and-go), at a gap in the reports or a new flight (the core calls `reset`), on
 * leaving the airport's zone, or on climbing out above the approach height. Gliders never approach.
 */
export class GoAroundMachine implements Slotted {
  static readonly SLOTS: number;
  private approaching = false;
  /**
   * An approach may start in level flight after a recent descent. Not after a go-around until the
   * next descent: its climb-out levels off still far below the height it came from.
   */
  private levelEntry = true;
  /** Highest altitude of the current bucket, where it was, and when the bucket began. */
  declare private highCurM: number;
  declare private highCurLat: number;
  declare private highCurLon: number;
  declare private highBucketTsMs: number;
  /** Highest of the completed buckets. */
  declare private highOlderM: number;
  /** How far the approach had descended to its low point (from the recent high). */
  declare private lowDescentM: number;
  declare private lowAltM: number;
  /** The approach's two previous reported (plausible) altitudes. */
  declare private prevAltM: number;
  declare private prev2AltM: number;
  declare private lowTsMs: number;
  declare private lowLat: number;
  declare private lowLon: number;
  /** When the climb first reached `goAroundMinClimbM` over the low point (NaN: it is not there). */
  declare private climbTsMs: number;
  declare private flagUntilMs: number;
  private lowAirport: AirportRef | null = null;

  constructor(
    private readonly opts: Opts,
    readonly s: SlotArray = slotArray(GoAroundMachine.SLOTS),
    readonly b = 0,
  ) {
    this.lowAltM = Number.POSITIVE_INFINITY;
    this.flagUntilMs = -1;
    this.climbTsMs = Number.NaN;
    this.clearHigh();
  }

  /** True for `goAroundFlagS` after a detection (the Track lists it meanwhile). */
  flagged(tsMs: number): boolean {
    return tsMs <= this.flagUntilMs;
  }

  /** A gap, a new flight or a landing: no approach is followed across it. */
  reset(): void {
    this.approaching = false;
    this.levelEntry = true;
    this.clearHigh();
  }

  /** The highest altitude of the last `approachDescentWindowS` (up to a tenth more). */
  private recentHighM(): number {
    return Math.max(this.highCurM, this.highOlderM);
  }

  /**
   * The highest altitude of the last `approachDescentWindowS` that was within
   * `approachDescentRadiusM` of `ap`: a descent towards this airport, not one far away. Per low
   * point, not per update.
   */
  private recentHighNearM(ap: AirportRef): number {
    const s = this.s;
    const b = this.b;
    const r = this.opts.approachDescentRadiusM;
    let best = Number.NEGATIVE_INFINITY;
    if (fastDistM(this.highCurLat, this.highCurLon, ap.lat, ap.lon) <= r) best = this.highCurM;
    for (let k = 0; k < HIGH_BUCKETS; k++) {
      const alt = s[b + HIGH_ALT + k];
      if (alt > best && fastDistM(s[b + HIGH_LAT + k], s[b + HIGH_LON + k], ap.lat, ap.lon) <= r) best = alt;
    }
    return best;
  }

  private clearHigh(): void {
    const s = this.s;
    for (let k = 0; k < HIGH_BUCKETS; k++) s[this.b + HIGH_ALT + k] = Number.NEGATIVE_INFINITY;
    this.highOlderM = Number.NEGATIVE_INFINITY;
    this.highCurM = Number.NEGATIVE_INFINITY;
    this.highBucketTsMs = Number.NEGATIVE_INFINITY;
  }

  /** A new bucket begins (once per bucket length, not per update): the old ones shift along. */
  private rollHigh(o: Observation, bucketMs: number, altM: number): void {
    const s = this.s;
    const b = this.b;
    const elapsed = Math.min(HIGH_BUCKETS + 1, Math.floor((o.tsMs - this.highBucketTsMs) / bucketMs));
    let older = Number.NEGATIVE_INFINITY;
    for (let k = HIGH_BUCKETS - 1; k >= 0; k--) {
      const from = k - elapsed;
      if (from >= 0) {
        s[b + HIGH_ALT + k] = s[b + HIGH_ALT + from];
        s[b + HIGH_LAT + k] = s[b + HIGH_LAT + from];
        s[b + HIGH_LON + k] = s[b + HIGH_LON + from];
      } else if (from === -1) {
        s[b + HIGH_ALT + k] = this.highCurM;
        s[b + HIGH_LAT + k] = this.highCurLat;
        s[b + HIGH_LON + k] = this.highCurLon;
      } else s[b + HIGH_ALT + k] = Number.NEGATIVE_INFINITY;
      if (s[b + HIGH_ALT + k] > older) older = s[b + HIGH_ALT + k];
    }
    this.highOlderM = older;
    this.highCurM = altM;
    this.highCurLat = o.lat;
    this.highCurLon = o.lon;
    this.highBucketTsMs = o.tsMs;
  }

  update(o: Observation, out: AnomalyEvent[]): void {
    const alt = o.altM;
    if (Number.isNaN(alt)) return;
    if (o.phase === PHASE.GROUND || o.category === CATEGORY_GLIDER) {
      this.approaching = false; // landed, or touched and went: not a go-around
      return;
    }
    const op = this.opts;
    const bucketMs = (op.approachDescentWindowS * 1000) / HIGH_BUCKETS;
    if (o.tsMs - this.highBucketTsMs >= bucketMs) this.rollHigh(o, bucketMs, alt);
    else if (alt > this.highCurM) {
      this.highCurM = alt;
      this.highCurLat = o.lat;
      this.highCurLon = o.lon;
    }
    // Higher than the approach height over the highest airport is higher over every airport: no
    // approach can start or go on, whichever is nearest (so none needs looking up).
    const aboveAll = alt - o.maxAirportElevationM > op.approachMaxHeightM;
    if (!this.approaching) {
      if (aboveAll) return;
      const descending = o.phase === PHASE.DESCENT && o.vrateMs < -op.approachDescentRateMs;
      if (descending) this.levelEntry = true;
      else if (
        !(this.levelEntry && o.phase === PHASE.LEVEL && this.recentHighM() - alt >= op.approachMinDescentM)
      )
        return;
    } else if (aboveAll) {
      this.approaching = false; // climbed out without getting low: no event
      return;
    }
    const ap = o.airport;
    const inZone = ap !== null && o.airportDistM <= op.approachRadiusM;
    const height = alt - elevationOf(ap);
    if (!this.approaching) {
      if (inZone && height < op.approachMaxHeightM) {
        this.approaching = true;
        this.lowAltM = Number.POSITIVE_INFINITY;
        this.lowAirport = null;
        this.climbTsMs = Number.NaN;
        this.prevAltM = Number.POSITIVE_INFINITY;
        this.prev2AltM = Number.POSITIVE_INFINITY;
      } else return;
    }
    if (!inZone || height > op.approachMaxHeightM) {
      this.approaching = false; // flew away or climbed out without getting low: no event
      return;
    }
    // The low point is the lowest reported altitude held over three consecutive reports (the
    // highest of them): the bottom of a sharp V, a dive and pull-up, is not where the aircraft flew
    // low, and the filter would overshoot it (or lag behind a steady descent).
    const rep = o.plausibleAltM;
    if (!Number.isNaN(rep)) {
      const held = Math.max(rep, this.prevAltM, this.prev2AltM);
      this.prev2AltM = this.prevAltM;
      this.prevAltM = rep;
      if (o.airportDistM <= op.lowPointRadiusM && held < this.lowAltM) {
        this.lowAltM = held;
        this.lowTsMs = o.tsMs;
        this.lowLat = o.lat;
        this.lowLon = o.lon;
        this.lowAirport = ap;
        // (the cheap bound first: only a deep enough low needs the positions of the highs)
        this.lowDescentM =
          this.recentHighM() - held < op.approachMinDescentM ? 0 : this.recentHighNearM(ap) - held;
        this.climbTsMs = Number.NaN;
      }
    }
    const low = this.lowAirport;
    if (low === null) return;
    const climb = alt - this.lowAltM;
    // The climb is sustained while the aircraft does not come back down: a descent restarts the
    // hold (a dip of a few metres in level flight at circuit height does not).
    const descending = o.vrateMs < -op.approachDescentRateMs;
    if (descending) this.climbTsMs = Number.NaN;
    if (climb < op.goAroundMinClimbM) {
      if (o.tsMs - this.lowTsMs > op.goAroundMaxClimbS * 1000) this.approaching = false; // low for minutes: not a go-around
      return;
    }
    const lowHeight = this.lowAltM - elevationOf(low);
    if (lowHeight >= op.goAroundMaxLowHeightM || this.lowDescentM < op.approachMinDescentM) return;
    if (Number.isNaN(this.climbTsMs)) {
      if (descending || o.tsMs - this.lowTsMs > op.goAroundMaxClimbS * 1000) return;
      this.climbTsMs = o.tsMs;
    }
    if (climb < op.goAroundClearClimbM && o.tsMs - this.climbTsMs < op.goAroundHoldS * 1000) return;
    this.approaching = false;
    this.levelEntry = false;
    this.flagUntilMs = o.tsMs + op.goAroundFlagS * 1000;
    out.push(
      anomalyEvent(
        'go_around',
        'closed',
        'warning',
        { icao24: o.icao24, callsign: o.callsign, lat: this.lowLat, lon: this.lowLon, altM: this.lowAltM },
        { startedAt: this.lowTsMs, detectedAt: o.tsMs, endedAt: o.tsMs },
        low.ident,
        {
          airport_elevation_m: round1(elevationOf(low)),
          lowest_height_m: round1(lowHeight),
          descent_m: round1(this.lowDescentM),
          climb_m: round1(climb),
          detected_lat: o.lat,
          detected_lon: o.lon,
          detected_alt_m: round1(alt),
        },
      ),
    );
  }
}

(GoAroundMachine as unknown as { SLOTS: number }).SLOTS = defineSlots(GoAroundMachine, [
  // the buckets first: they are indexed as slots (HIGH_ALT, HIGH_LAT, HIGH_LON); names for the count
  'highAlt0',
  'highAlt1',
  'highAlt2',
  'highAlt3',
  'highAlt4',
  'highAlt5',
  'highAlt6',
  'highAlt7',
  'highAlt8',
  'highAlt9',
  'highLat0',
  'highLat1',
  'highLat2',
  'highLat3',
  'highLat4',
  'highLat5',
  'highLat6',
  'highLat7',
  'highLat8',
  'highLat9',
  'highLon0',
  'highLon1',
  'highLon2',
  'highLon3',
  'highLon4',
  'highLon5',
  'highLon6',
  'highLon7',
  'highLon8',
  'highLon9',
  'highCurM',
  'highCurLat',
  'highCurLon',
  'highBucketTsMs',
  'highOlderM',
  'lowDescentM',
  'lowAltM',
  'prevAltM',
  'prev2AltM',
  'lowTsMs',
  'lowLat',
  'lowLon',
  'climbTsMs',
  'flagUntilMs',
]);
