import type { DetectorOptions } from './defaults.ts';
import { fastDistM, M_PER_DEG } from './geo.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from './slots.ts';

/**
 * Order and plausibility gate (contract section 4): the first thing an update meets.
 * Pure: a few numbers of state, no allocation per check. Results are small integers so the hot
 * path returns no objects; GATE_RESULT names them for metrics.
 */
export const GATE = {
  ACCEPTED: 0,
  RESET: 1,
  DUPLICATE: 2,
  OUT_OF_ORDER: 3,
  IMPLAUSIBLE: 4,
  /** The last fix's position again while time advances, by a moving aircraft: not a new fix. */
  STALE: 5,
  /** Far ahead of its partition's feed clock and never agreed by others (the router decides it). */
  FUTURE: 6,
} as const;
export type GateCode = (typeof GATE)[keyof typeof GATE];
/** The `updates_total{result}` label per code (a reset fix is accepted). */
export const GATE_RESULT = [
  'accepted',
  'accepted',
  'duplicate',
  'out_of_order',
  'implausible',
  'stale',
  'future',
] as const;

export class OrderGate implements Slotted {
  static readonly SLOTS: number;
  /** Last accepted fix; lastTsMs < 0 until the first. */
  declare lastTsMs: number;
  declare lastLat: number;
  declare lastLon: number;
  /** The latest of the consecutive implausible fixes that agree with each other (a candidate new track). */
  declare private chainTsMs: number;
  declare private chainLat: number;
  declare private chainLon: number;
  private chainCount = 0;

  constructor(
    private readonly opts: Pick<DetectorOptions, 'maxSpeedMs' | 'implausibleMinDistM' | 'resetAgreeingFixes'>,
    readonly s: SlotArray = slotArray(OrderGate.SLOTS),
    readonly b = 0,
  ) {
    this.lastTsMs = -1;
  }

  /**
   * Decides on one fix; an accepted (or reset) fix becomes the new reference. `moving`: the aircraft
   * is airborne or reports ground speed; then the very same position at a later time is a stale,
   * repeated position (the feed re-sent an old fix with a new time), not a new fix.
   */
  check(tsMs: number, lat: number, lon: number, moving = true): GateCode {
    if (this.lastTsMs < 0) return this.accept(tsMs, lat, lon, GATE.ACCEPTED);
    if (tsMs === this.lastTsMs) return GATE.DUPLICATE;
    if (tsMs < this.lastTsMs) return GATE.OUT_OF_ORDER;
    if (moving && lat === this.lastLat && lon === this.lastLon) return GATE.STALE;
    if (this.plausible(this.lastTsMs, this.lastLat, this.lastLon, tsMs, lat, lon)) {
      this.chainCount = 0;
      return this.accept(tsMs, lat, lon, GATE.ACCEPTED);
    }
    // Disagrees with the track. If it agrees with the previous outlier, the outliers may be the truth.
    const extends_ =
      this.chainCount > 0 &&
      tsMs > this.chainTsMs &&
      this.plausible(this.chainTsMs, this.chainLat, this.chainLon, tsMs, lat, lon);
    this.chainCount = extends_ ? this.chainCount + 1 : 1;
    this.chainTsMs = tsMs;
    this.chainLat = lat;
    this.chainLon = lon;
    if (this.chainCount >= this.opts.resetAgreeingFixes) {
      this.chainCount = 0;
      return this.accept(tsMs, lat, lon, GATE.RESET);
    }
    return GATE.IMPLAUSIBLE;
  }

  private plausible(t0: number, lat0: number, lon0: number, t1: number, lat1: number, lon1: number) {
    const limitM = Math.max(this.opts.implausibleMinDistM, (this.opts.maxSpeedMs * (t1 - t0)) / 1000);
    // The usual fix is far inside the limit: decided without the cosine and the square root.
    // fastDistM scales the longitude difference by cos(mean latitude) <= 1, so the distance with
    // the unscaled difference is never shorter: within the limit, so is the real one.
    const limitDeg = limitM / M_PER_DEG;
    const dLat = lat1 - lat0;
    const dLon = lon1 - lon0; // unwrapped: near the antimeridian it only errs long (slow path)
    if (dLat * dLat + dLon * dLon <= limitDeg * limitDeg) return true;
    return fastDistM(lat0, lon0, lat1, lon1) <= limitM;
  }

  private accept(tsMs: number, lat: number, lon: number, code: GateCode): GateCode {
    this.lastTsMs = tsMs;
    this.lastLat = lat;
    this.lastLon = lon;
    return code;
  }
}

(OrderGate as unknown as { SLOTS: number }).SLOTS = defineSlots(OrderGate, [
  'lastTsMs',
  'lastLat',
  'lastLon',
  'chainTsMs',
  'chainLat',
  'chainLon',
]);
