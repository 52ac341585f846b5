import type { AirportRef } from './airports.ts';

/**
 * What the anomaly machines see of one accepted update: smoothed values from the filter, raw
 * flags from the envelope, and the nearest airport. One object per aircraft, rewritten in place
 * for every update (no allocation on the hot path). Unknown numbers are NaN.
 */
export interface Observation {
  icao24: string;
  callsign: string | null;
  tsMs: number;
  lat: number;
  lon: number;
  /** Smoothed altitude (barometric, else geometric); NaN when never reported. */
  altM: number;
  /** Smoothed vertical rate, + climbing; NaN when no altitude yet. */
  vrateMs: number;
  onGround: boolean;
  squawk: string | null;
  /** Nearest airport within airportRadiusM, or null (then heights are over sea level). */
  airport: AirportRef | null;
  airportDistM: number;
}

export function newObservation(icao24: string): Observation {
  return {
    icao24,
    callsign: null,
    tsMs: 0,
    lat: 0,
    lon: 0,
    altM: Number.NaN,
    vrateMs: Number.NaN,
    onGround: false,
    squawk: null,
    airport: null,
    airportDistM: Number.NaN,
  };
}
