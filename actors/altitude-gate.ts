import type { DetectorOptions } from './defaults.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from './slots.ts';

/** What the altitude gate made of one reported altitude. */
export const ALT = {
  /** Plausible from the last plausible altitude. */
  OK: 0,
  /** Implausible from the last one but confirmed by this report: the altitude jumped (a new level, no path between). */
  JUMP: 1,
  /** Implies an impossible vertical rate and is not (yet) confirmed: dropped. */
  IMPLAUSIBLE: 2,
} as const;
export type AltCode = (typeof ALT)[keyof typeof ALT];

/**
 * Plausible altitudes, as the order gate does for positions (and as readsb keeps an altitude
 * reliability counter): a reported altitude that implies a faster climb or descent than
 * `maxVrateMs` (plus `altNoiseM`) from the last plausible one is held as a candidate and dropped;
 * if the next report agrees with the candidate (plausible from it), the altitude really changed:
 * that report is taken as a jump (the filter's altitude restarts there, no rate is measured across
 * it). A single bogus sample, and a field flipping between two values, are dropped every time.
 */
export class AltitudeGate implements Slotted {
  static readonly SLOTS: number;
  declare private lastAltM: number;
  declare private lastTsMs: number;
  declare private candAltM: number;
  declare private candTsMs: number;

  constructor(
    private readonly opts: Pick<DetectorOptions, 'maxVrateMs' | 'altNoiseM'>,
    readonly s: SlotArray = slotArray(AltitudeGate.SLOTS),
    readonly b = 0,
  ) {
    this.clear();
  }

  /** Forget everything (a new flight). */
  clear(): void {
    this.lastAltM = Number.NaN;
    this.lastTsMs = -1;
    this.candAltM = Number.NaN;
    this.candTsMs = -1;
  }

  /** Decides on a reported altitude (not NaN) at `tsMs` (later than any before). */
  check(altM: number, tsMs: number): AltCode {
    if (this.lastTsMs < 0 || this.plausible(this.lastAltM, this.lastTsMs, altM, tsMs)) {
      this.take(altM, tsMs);
      return ALT.OK;
    }
    if (this.candTsMs >= 0 && this.plausible(this.candAltM, this.candTsMs, altM, tsMs)) {
      this.take(altM, tsMs);
      return ALT.JUMP;
    }
    this.candAltM = altM;
    this.candTsMs = tsMs;
    return ALT.IMPLAUSIBLE;
  }

  private plausible(alt0: number, ts0: number, alt1: number, ts1: number): boolean {
    const d = alt1 - alt0;
    const allowed = this.opts.altNoiseM + (this.opts.maxVrateMs * (ts1 - ts0)) / 1000;
    return d <= allowed && d >= -allowed;
  }

  private take(altM: number, tsMs: number): void {
    this.lastAltM = altM;
    this.lastTsMs = tsMs;
    this.candTsMs = -1;
  }
}

(AltitudeGate as unknown as { SLOTS: number }).SLOTS = defineSlots(AltitudeGate, [
  'lastAltM',
  'lastTsMs',
  'candAltM',
  'candTsMs',
]);
