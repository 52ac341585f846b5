import type { DetectorOptions } from './defaults.ts';
import { fastDistM } from './geo.ts';

/**
 * Order and plausibility gate (contract section 4): the first thing an update meets.
 * Pure: a few numbers of state, no allocation per check. Results are small integers so the hot
 * path returns no objects; GATE_RESULT names them for metrics.
 */
export const GATE = { ACCEPTED: 0, RESET: 1, DUPLICATE: 2, OUT_OF_ORDER: 3, IMPLAUSIBLE: 4 } as const;
export type GateCode = (typeof GATE)[keyof typeof GATE];
/** The `updates_total{result}` label per code (a reset fix is accepted). */
export const GATE_RESULT = ['accepted', 'accepted', 'duplicate', 'out_of_order', 'implausible'] as const;

export class OrderGate {
  /** Last accepted fix; lastTsMs < 0 until the first. */
  lastTsMs = -1;
  lastLat = 0;
  lastLon = 0;
  /** Consecutive implausible fixes that agree with each other (the candidate new track). */
  private chainCount = 0;
  private chainTsMs = 0;
  private chainLat = 0;
  private chainLon = 0;
  private readonly maxSpeedMs: number;
  private readonly minDistM: number;
  private readonly resetFixes: number;

  constructor(opts: Pick<DetectorOptions, 'maxSpeedMs' | 'implausibleMinDistM' | 'resetAgreeingFixes'>) {
    this.maxSpeedMs = opts.maxSpeedMs;
    this.minDistM = opts.implausibleMinDistM;
    this.resetFixes = opts.resetAgreeingFixes;
  }

  /** Decides on one fix; an accepted (or reset) fix becomes the new reference. */
  check(tsMs: number, lat: number, lon: number): GateCode {
    if (this.lastTsMs < 0) return this.accept(tsMs, lat, lon, GATE.ACCEPTED);
    if (tsMs === this.lastTsMs) return GATE.DUPLICATE;
    if (tsMs < this.lastTsMs) return GATE.OUT_OF_ORDER;
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
    if (this.chainCount >= this.resetFixes) {
      this.chainCount = 0;
      return this.accept(tsMs, lat, lon, GATE.RESET);
    }
    return GATE.IMPLAUSIBLE;
  }

  private plausible(t0: number, lat0: number, lon0: number, t1: number, lat1: number, lon1: number) {
    const distM = fastDistM(lat0, lon0, lat1, lon1);
    return distM <= this.minDistM || distM <= (this.maxSpeedMs * (t1 - t0)) / 1000;
  }

  private accept(tsMs: number, lat: number, lon: number, code: GateCode): GateCode {
    this.lastTsMs = tsMs;
    this.lastLat = lat;
    this.lastLon = lon;
    return code;
  }
}
