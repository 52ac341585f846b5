import type { AirportRef, NearestAirportCache } from './airports.ts';
import { PHASE, type Phase } from './phase.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from './slots.ts';

/**
 * What the anomaly machines see of one accepted update: smoothed values from the filter, raw
 * flags from the envelope, and the nearest airport. One per aircraft, rewritten in place for every
 * update (no allocation on the hot path); its numbers live in the aircraft's SlotArray.
 * Unknown numbers are NaN.
 *
 * The nearest airport is looked up only when a machine asks for it (`airport`, `airportDistM`):
 * most updates (cruise, climbs, level flight) need none, and the answer is a pure function of the
 * position, so asking later gives what asking every time would have.
 */
export class Observation implements Slotted {
  static readonly SLOTS: number;
  /** Slot of `lat`; `lon`, `altM` and `vrateMs` follow it (TrackFilter.writeSmoothed's order). */
  static readonly SMOOTHED_AT = 1;
  callsign: string | null = null;
  declare tsMs: number;
  declare lat: number;
  declare lon: number;
  /** Smoothed altitude (barometric, else geometric); NaN when never reported. */
  declare altM: number;
  /** Smoothed vertical rate, + climbing; NaN when no altitude yet. */
  declare vrateMs: number;
  onGround = false;
  squawk: string | null = null;
  /** Flight phase of this update (phase.ts). */
  phase: Phase = PHASE.UNKNOWN;
  /** OpenSky emitter category (9 glider, 8 rotorcraft...), -1 when not reported. */
  category = -1;
  /** The report came from live OpenSky polling (its configured box is the edge of what is seen). */
  liveSource = false;
  /** Ground speed: reported, else the filter's (m/s). */
  declare speedMs: number;
  /** Smoothed true track (deg). */
  declare trackDeg: number;
  /** The vertical rate the feed reported with this update, NaN when none. */
  declare reportedVrateMs: number;
  /** The altitude this update reported, when it passed the altitude gate (NaN: none, dropped, or a jump). */
  declare plausibleAltM: number;
  declare private nearestDistM: number;
  private nearest: AirportRef | null = null;
  /** `nearest` is for the current lat/lon. */
  private resolved = false;

  constructor(
    readonly icao24: string,
    /** Null: no airports (heights over sea level). */
    private readonly airports: NearestAirportCache | null = null,
    readonly s: SlotArray = slotArray(Observation.SLOTS),
    readonly b = 0,
  ) {
    this.altM = Number.NaN;
    this.vrateMs = Number.NaN;
    this.nearestDistM = Number.NaN;
    this.speedMs = Number.NaN;
    this.trackDeg = Number.NaN;
    this.reportedVrateMs = Number.NaN;
    this.plausibleAltM = Number.NaN;
  }

  /** lat/lon changed: the airport is looked up again when asked for. */
  moved(): void {
    this.resolved = false;
  }

  /** Nearest airport within airportRadiusM, or null (then heights are over sea level). */
  get airport(): AirportRef | null {
    if (!this.resolved) this.resolve();
    return this.nearest;
  }

  /** The highest elevation of any airport: above it, heights over every airport are known. */
  get maxAirportElevationM(): number {
    return this.airports === null ? 0 : this.airports.maxElevationM;
  }

  /** Distance to `airport` (NaN when none). */
  get airportDistM(): number {
    if (!this.resolved) this.resolve();
    return this.nearestDistM;
  }

  private resolve(): void {
    this.resolved = true;
    const c = this.airports;
    if (c === null) return;
    c.at(this.lat, this.lon);
    this.nearest = c.airport;
    this.nearestDistM = c.distM;
  }
}

(Observation as unknown as { SLOTS: number }).SLOTS = defineSlots(Observation, [
  'tsMs',
  'lat',
  'lon',
  'altM',
  'vrateMs',
  'nearestDistM',
  'speedMs',
  'trackDeg',
  'reportedVrateMs',
  'plausibleAltM',
]);
