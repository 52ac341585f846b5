import type { FlightEnvelope } from '../contract/envelope.ts';
import { mulberry32 } from '../testing/prng.ts';

/**
 * Synthetic traffic for load tests: N aircraft on plausible kinematics. Each flies a great circle
 * at cruise-like speeds, turns at standard rate (3 deg/s) toward a new heading now and then, and
 * climbs or descends at ordinary rates toward a new target altitude. Aircraft that leave the box
 * turn back toward its centre. Pure and seeded: time comes in through step().
 */
const EARTH_RADIUS_M = 6_371_000;
const STANDARD_TURN_DEG_S = 3;
const DEG = Math.PI / 180;

interface Aircraft {
  icao24: string;
  callsign: string;
  lat: number;
  lon: number;
  altM: number;
  targetAltM: number;
  speedMs: number;
  headingDeg: number;
  targetHeadingDeg: number;
  vrateMs: number;
}

export interface SyntheticOptions {
  aircraft: number;
  /** w, s, e, n */
  bbox: readonly [number, number, number, number];
  seed?: number;
}

/** Great-circle destination from (lat, lon) after distanceM on bearingDeg. */
export function destination(
  lat: number,
  lon: number,
  bearingDeg: number,
  distanceM: number,
): [number, number] {
  const d = distanceM / EARTH_RADIUS_M;
  const b = bearingDeg * DEG;
  const p1 = lat * DEG;
  const l1 = lon * DEG;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 =
    l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [p2 / DEG, ((((l2 / DEG + 540) % 360) + 360) % 360) - 180];
}

/** Initial bearing from a to b, degrees in [0, 360). */
export function bearing(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * DEG;
  const p2 = lat2 * DEG;
  const dl = (lon2 - lon1) * DEG;
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return (((Math.atan2(y, x) / DEG) % 360) + 360) % 360;
}

/** Signed smallest turn from a to b, in (-180, 180]. */
const turnDelta = (a: number, b: number) => ((((b - a) % 360) + 540) % 360) - 180;

export class SyntheticFleet {
  private readonly rand: () => number;
  readonly aircraft: Aircraft[];

  constructor(private readonly options: SyntheticOptions) {
    this.rand = mulberry32(options.seed ?? 1);
    const [w, s, e, n] = options.bbox;
    this.aircraft = Array.from({ length: options.aircraft }, (_, i) => {
      const altM = 1_000 + this.rand() * 11_000;
      const heading = this.rand() * 360;
      return {
        icao24: (0x100000 + i).toString(16), // distinct, valid 6-hex ids for up to ~15M aircraft
        callsign: `SYN${i}`.slice(0, 8),
        lat: s + this.rand() * (n - s),
        lon: w + this.rand() * (e - w),
        altM,
        targetAltM: altM,
        speedMs: 120 + this.rand() * 130, // 230-480 kt
        headingDeg: heading,
        targetHeadingDeg: heading,
        vrateMs: 0,
      };
    });
  }

  /** Advances every aircraft by dtS seconds and returns their envelopes stamped tsMs. */
  step(dtS: number, tsMs: number): FlightEnvelope[] {
    const [w, s, e, n] = this.options.bbox;
    const out: FlightEnvelope[] = new Array(this.aircraft.length);
    for (let i = 0; i < this.aircraft.length; i++) {
      const a = this.aircraft[i]!;
      // Now and then a new heading or level (on average every 2-3 minutes each).
      if (this.rand() < dtS / 150)
        a.targetHeadingDeg = (a.headingDeg + (this.rand() - 0.5) * 180 + 360) % 360;
      if (this.rand() < dtS / 200) a.targetAltM = 1_000 + this.rand() * 11_000;
      if (a.lat < s || a.lat > n || a.lon < w || a.lon > e) {
        a.targetHeadingDeg = bearing(a.lat, a.lon, (s + n) / 2, (w + e) / 2);
      }
      const turn = turnDelta(a.headingDeg, a.targetHeadingDeg);
      const maxTurn = STANDARD_TURN_DEG_S * dtS;
      a.headingDeg = (a.headingDeg + Math.max(-maxTurn, Math.min(maxTurn, turn)) + 360) % 360;
      // Ordinary climb/descent: up to 10 m/s (~2,000 ft/min), easing in near the target level.
      const dAlt = a.targetAltM - a.altM;
      a.vrateMs = Math.max(-10, Math.min(10, dAlt / 30));
      a.altM += a.vrateMs * dtS;
      [a.lat, a.lon] = destination(a.lat, a.lon, a.headingDeg, a.speedMs * dtS);
      out[i] = {
        v: 1,
        icao24: a.icao24,
        callsign: a.callsign,
        origin_country: null,
        ts: tsMs,
        last_contact: tsMs,
        lat: round(a.lat, 5),
        lon: round(a.lon, 5),
        baro_alt_m: round(a.altM, 1),
        geo_alt_m: round(a.altM + 30, 1),
        speed_ms: round(a.speedMs, 2),
        track_deg: round(a.headingDeg, 2) % 360,
        vrate_ms: round(a.vrateMs, 2),
        on_ground: false,
        squawk: null,
        spi: false,
        pos_source: 0,
        category: null,
        source: 'synthetic',
      };
    }
    return out;
  }
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
