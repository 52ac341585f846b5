import type { AnomalyEvent } from '../../runtime/contract/index.ts';
import { type AirportRef, elevationOf } from '../airports.ts';
import type { DetectorOptions } from '../defaults.ts';
import type { Observation } from '../observation.ts';
import { PHASE } from '../phase.ts';
import { defineSlots, type Slotted } from '../slots.ts';
import { anomalyEvent, round1 } from './event.ts';

type Opts = Pick<
  DetectorOptions,
  | 'approachRadiusM'
  | 'approachMaxHeightM'
  | 'approachDescentRateMs'
  | 'lowPointRadiusM'
  | 'goAroundMaxLowHeightM'
  | 'goAroundMinClimbM'
  | 'approachMinDescentM'
  | 'goAroundFlagS'
  | 'goAroundMaxClimbS'
>;

/** OpenSky emitter category of gliders: they circle low near airfields in thermals; never an approach. */
const CATEGORY_GLIDER = 9;

/**
 * go_around: an aborted approach. IDLE -> APPROACH when within `approachRadiusM` of the nearest
 * airport, below `approachMaxHeightM` over its elevation, in the descent phase (phase.ts). In
 * APPROACH the lowest point within `lowPointRadiusM` (close to the airport: over the runway or on
 * short final) is tracked (height over that airport: a high airport such as KDEN counts from its
 * own 1,655 m, not from sea level). A low point under `goAroundMaxLowHeightM`, after a descent of
 * `approachMinDescentM`, followed within `goAroundMaxClimbS` by a climb (climb phase) of
 * `goAroundMinClimbM` is a go-around: one event, emitted closed. The approach ends silently on the ground (on_ground, or slowed to taxi speed low
 * at the airport: a landing or touch-and-go), at a gap in the reports or a new flight (the core
 * calls `reset`), on leaving the airport's zone, or on climbing out above the approach height.
 * Gliders are never approaching.
 */
export class GoAroundMachine implements Slotted {
  static readonly SLOTS: number;
  private approaching = false;
  declare private startAltM: number;
  declare private lowAltM: number;
  declare private lowTsMs: number;
  declare private lowLat: number;
  declare private lowLon: number;
  declare private flagUntilMs: number;
  private lowAirport: AirportRef | null = null;

  constructor(
    private readonly opts: Opts,
    readonly s = new Float64Array(GoAroundMachine.SLOTS),
    readonly b = 0,
  ) {
    this.lowAltM = Number.POSITIVE_INFINITY;
    this.flagUntilMs = -1;
  }

  /** True for `goAroundFlagS` after a detection (the Track lists it meanwhile). */
  flagged(tsMs: number): boolean {
    return tsMs <= this.flagUntilMs;
  }

  /** A gap, a new flight or a landing: no approach is followed across it. */
  reset(): void {
    this.approaching = false;
  }

  update(o: Observation, out: AnomalyEvent[]): void {
    const alt = o.altM;
    if (Number.isNaN(alt)) return;
    if (o.phase === PHASE.GROUND || o.category === CATEGORY_GLIDER) {
      this.approaching = false; // landed, or touched and went: not a go-around
      return;
    }
    const op = this.opts;
    // Higher than the approach height over the highest airport is higher over every airport: no
    // approach can start or go on, whichever is nearest (so none needs looking up).
    const aboveAll = alt - o.maxAirportElevationM > op.approachMaxHeightM;
    if (
      !this.approaching &&
      (aboveAll || o.phase !== PHASE.DESCENT || !(o.vrateMs < -op.approachDescentRateMs))
    )
      return;
    if (aboveAll) {
      this.approaching = false; // climbed out without getting low: no event
      return;
    }
    const ap = o.airport;
    const inZone = ap !== null && o.airportDistM <= op.approachRadiusM;
    const height = alt - elevationOf(ap);
    if (!this.approaching) {
      if (inZone && height < op.approachMaxHeightM) {
        this.approaching = true;
        this.startAltM = alt;
        this.lowAltM = Number.POSITIVE_INFINITY;
        this.lowAirport = null;
      } else return;
    }
    if (!inZone || height > op.approachMaxHeightM) {
      this.approaching = false; // flew away or climbed out without getting low: no event
      return;
    }
    if (o.airportDistM <= op.lowPointRadiusM && alt < this.lowAltM) {
      this.lowAltM = alt;
      this.lowTsMs = o.tsMs;
      this.lowLat = o.lat;
      this.lowLon = o.lon;
      this.lowAirport = ap;
    }
    const low = this.lowAirport;
    if (low === null) return;
    const lowHeight = this.lowAltM - elevationOf(low);
    const climb = alt - this.lowAltM;
    if (o.tsMs - this.lowTsMs > op.goAroundMaxClimbS * 1000 && climb < op.goAroundMinClimbM) {
      this.approaching = false; // low for minutes without climbing away: not a go-around
      return;
    }
    if (
      lowHeight < op.goAroundMaxLowHeightM &&
      o.phase === PHASE.CLIMB &&
      this.startAltM - this.lowAltM >= op.approachMinDescentM &&
      climb >= op.goAroundMinClimbM &&
      o.tsMs - this.lowTsMs <= op.goAroundMaxClimbS * 1000
    ) {
      this.approaching = false;
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
            climb_m: round1(climb),
            detected_lat: o.lat,
            detected_lon: o.lon,
            detected_alt_m: round1(alt),
          },
        ),
      );
    }
  }
}

(GoAroundMachine as unknown as { SLOTS: number }).SLOTS = defineSlots(GoAroundMachine, [
  'startAltM',
  'lowAltM',
  'lowTsMs',
  'lowLat',
  'lowLon',
  'flagUntilMs',
]);
