import type { AirportRef } from './airports.ts';
import { defineSlots, type Slotted } from './slots.ts';

/**
 * What the anomaly machines see of one accepted update: smoothed values from the filter, raw
 * flags from the envelope, and the nearest airport. One per aircraft, rewritten in place for every
 * update (no allocation on the hot path); its numbers live in the aircraft's Float64Array.
 * Unknown numbers are NaN.
 */
export class Observation implements Slotted {
  static readonly SLOTS: number;
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
  /** Nearest airport within airportRadiusM, or null (then heights are over sea level). */
  airport: AirportRef | null = null;
  declare airportDistM: number;

  constructor(
    readonly icao24: string,
    readonly s = new Float64Array(Observation.SLOTS),
    readonly b = 0,
  ) {
    this.altM = Number.NaN;
    this.vrateMs = Number.NaN;
    this.airportDistM = Number.NaN;
  }
}

(Observation as unknown as { SLOTS: number }).SLOTS = defineSlots(Observation, [
  'tsMs',
  'lat',
  'lon',
  'altM',
  'vrateMs',
  'airportDistM',
]);
