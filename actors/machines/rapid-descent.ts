import type { AnomalyEvent, Severity } from '../../runtime/contract/index.ts';
import { elevationOf } from '../airports.ts';
import type { DetectorOptions } from '../defaults.ts';
import { FPM_MS } from '../defaults.ts';
import type { Observation } from '../observation.ts';
import { PHASE } from '../phase.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from '../slots.ts';
import { anomalyEvent, round1 } from './event.ts';

/**
 * At most one window sample per this many ms: bounds the ring (and heap per aircraft) however often
 * updates come. The window base is then at most this much older than the window: 60-64 s.
 */
const SAMPLE_EVERY_MS = 4_000;

type Opts = Pick<
  DetectorOptions,
  | 'rapidDescentRateMs'
  | 'rapidDescentCriticalRateMs'
  | 'rapidDescentWindowS'
  | 'rapidDescentMinStartHeightM'
  | 'rapidDescentCalmRateMs'
  | 'rapidDescentCalmS'
  | 'rapidDescentMinFixes'
  | 'rapidDescentVrateAgreement'
  | 'rapidDescentNoClimbS'
>;

/**
 * rapid_descent: the smoothed altitude lost over a sliding window (default 60 s), divided by the
 * window, above `rapidDescentRateMs` (4,000 ft/min), with the window starting at least
 * `rapidDescentMinStartHeightM` over the nearest airport (sea level when none is near). Warning;
 * critical beyond 6,000 ft/min. Closes after `rapidDescentCalmS` of descent slower than 1,000 ft/min.
 *
 * Only a confirmed descent opens it: the aircraft airborne in the descent phase, the last
 * `rapidDescentMinFixes` or more consecutive reports each with a plausible altitude (altitude-gate.ts)
 * no higher than the one before, that run covering at least half the window, and, where the feed
 * reports a vertical rate, its mean over the run at least `rapidDescentVrateAgreement` of the
 * window's rate, and no climb phase within `rapidDescentNoClimbS` (the push-over after a pull-up, as
 * in parabolic flight, ends where it began: no loss of height). A bogus sample, a field flipping between two values or an altitude jump (no path
 * between two levels) breaks the run and clears the window.
 *
 * The window is a ring of (ts, alt) samples in the aircraft's SlotArray; samples older than the newest one
 * at or before "now - window" are dropped, so each update costs O(1) amortised.
 */
export class RapidDescentMachine implements Slotted {
  /** Slots for the scalars; the ring follows them. */
  static readonly SCALARS: number;
  open = false;
  private readonly cap: number;
  private readonly ringBase: number; // absolute index of the ring in `s`: [ts0, alt0, ts1, alt1, ...]
  private head = 0; // index of the oldest sample
  private count = 0;
  declare private startedAt: number;
  declare private detectedAt: number;
  declare private maxRateMs: number;
  declare private calmSinceMs: number;
  declare private startHeightM: number;
  declare private refElevationM: number;
  private severity: Severity = 'warning';
  /** Consecutive reports with a plausible altitude no higher than the previous one. */
  private runFixes = 0;
  declare private runStartTs: number;
  declare private runLastAltM: number;
  /** The reported vertical rate averaged over about a third of the window (NaN: none reported). */
  declare private vrAvgMs: number;
  declare private vrAvgTs: number;
  /** The last update in the climb phase (-inf: none this flight). */
  declare private lastClimbTs: number;

  /** Slots needed for these options: the scalars, then one (ts, alt) pair per ring entry. */
  static slotsFor(opts: Pick<Opts, 'rapidDescentWindowS'>): number {
    return RapidDescentMachine.SCALARS + 2 * RapidDescentMachine.capacity(opts);
  }

  private static capacity(opts: Pick<Opts, 'rapidDescentWindowS'>): number {
    // One sample per SAMPLE_EVERY_MS over the window, plus the base sample and slack.
    return Math.ceil((opts.rapidDescentWindowS * 1000) / SAMPLE_EVERY_MS) + 3;
  }

  constructor(
    private readonly opts: Opts,
    readonly s: SlotArray = slotArray(RapidDescentMachine.slotsFor(opts)),
    readonly b = 0,
  ) {
    this.cap = RapidDescentMachine.capacity(opts);
    this.ringBase = b + RapidDescentMachine.SCALARS;
    this.calmSinceMs = Number.NaN;
    this.runLastAltM = Number.NaN;
    this.vrAvgMs = Number.NaN;
    this.lastClimbTs = Number.NEGATIVE_INFINITY;
  }

  /** Forget the window (the track was re-initialised: altitudes before and after do not compare). */
  resetWindow(): void {
    this.count = 0;
    this.head = 0;
    this.runFixes = 0;
    this.runLastAltM = Number.NaN;
    this.vrAvgMs = Number.NaN;
    this.lastClimbTs = Number.NEGATIVE_INFINITY;
  }

  /** The flight ended at `endTsMs`: an open event closes there; the next flight starts clean. */
  endFlight(o: Observation, out: AnomalyEvent[], endTsMs: number): void {
    this.resetWindow();
    if (!this.open) return;
    this.open = false;
    out.push(this.event(o, 'closed', endTsMs, Number.NaN));
  }

  /** Follows the run of plausible, non-climbing reports. */
  private followRun(o: Observation): void {
    if (o.phase === PHASE.CLIMB) this.lastClimbTs = o.tsMs;
    const pa = o.plausibleAltM;
    if (o.phase === PHASE.GROUND || Number.isNaN(pa)) {
      this.runFixes = 0;
      this.runLastAltM = Number.NaN;
      return;
    }
    if (this.runFixes > 0 && pa <= this.runLastAltM) {
      this.runFixes++;
    } else {
      this.runFixes = 1;
      this.runStartTs = o.tsMs;
    }
    this.runLastAltM = pa;
  }

  /** Follows the reported vertical rate (an exponential average over a third of the window). */
  private followVrate(o: Observation): void {
    const rv = o.reportedVrateMs;
    if (Number.isNaN(rv)) return;
    if (Number.isNaN(this.vrAvgMs)) this.vrAvgMs = rv;
    else {
      const k = Math.min(1, (3 * (o.tsMs - this.vrAvgTs)) / (this.opts.rapidDescentWindowS * 1000));
      this.vrAvgMs += (rv - this.vrAvgMs) * k;
    }
    this.vrAvgTs = o.tsMs;
  }

  update(o: Observation, out: AnomalyEvent[]): void {
    this.followRun(o);
    this.followVrate(o);
    const alt = o.altM;
    if (Number.isNaN(alt)) return;
    const now = o.tsMs;
    const windowMs = this.opts.rapidDescentWindowS * 1000;
    this.push(now, alt);

    // Drop samples older than the newest one at or before the window start.
    const cutoff = now - windowMs;
    const r = this.s;
    const rb = this.ringBase;
    while (this.count >= 2 && r[rb + this.ring(this.head + 1) * 2] <= cutoff) {
      this.head = this.ring(this.head + 1);
      this.count--;
    }
    const baseTs = r[rb + this.head * 2];
    const haveWindow = this.count >= 2 && baseTs <= cutoff;
    const rateMs = haveWindow ? (r[rb + this.head * 2 + 1] - alt) / ((now - baseTs) / 1000) : Number.NaN;

    if (!this.open) {
      if (!haveWindow || o.phase !== PHASE.DESCENT || !(rateMs > this.opts.rapidDescentRateMs)) return;
      // Confirmed by consecutive plausible reports over (at least half) the window...
      if (this.runFixes < this.opts.rapidDescentMinFixes || this.runStartTs > baseTs + windowMs / 2) return;
      // ...not the push-over after a pull-up (parabolic flight ends where it began)...
      if (now - this.lastClimbTs < this.opts.rapidDescentNoClimbS * 1000) return;
      // ...and by the reported vertical rate where the feed has one.
      if (!Number.isNaN(this.vrAvgMs) && !(this.vrAvgMs < -this.opts.rapidDescentVrateAgreement * rateMs))
        return;
      const elevation = elevationOf(o.airport);
      const startHeight = r[rb + this.head * 2 + 1] - elevation;
      if (startHeight < this.opts.rapidDescentMinStartHeightM) return;
      this.open = true;
      this.startedAt = this.descentStart();
      this.detectedAt = now;
      this.maxRateMs = rateMs;
      this.startHeightM = startHeight;
      this.refElevationM = elevation;
      this.calmSinceMs = Number.NaN;
      this.severity = rateMs > this.opts.rapidDescentCriticalRateMs ? 'critical' : 'warning';
      out.push(this.event(o, 'open', null, rateMs));
      return;
    }

    if (rateMs > this.maxRateMs) this.maxRateMs = rateMs;
    if (this.severity === 'warning' && rateMs > this.opts.rapidDescentCriticalRateMs) {
      // Same id, so downstream upserts the open event; marked so metrics do not count it twice.
      this.severity = 'critical';
      out.push(this.event(o, 'open', null, rateMs, 'warning'));
    }
    const instant = Number.isNaN(o.vrateMs) ? -rateMs : o.vrateMs;
    if (o.phase !== PHASE.DESCENT || instant > -this.opts.rapidDescentCalmRateMs) {
      if (Number.isNaN(this.calmSinceMs)) this.calmSinceMs = now;
      if (now - this.calmSinceMs >= this.opts.rapidDescentCalmS * 1000) {
        this.open = false;
        out.push(this.event(o, 'closed', this.calmSinceMs, rateMs));
      }
    } else {
      this.calmSinceMs = Number.NaN;
    }
  }

  /** The first window sample after which the aircraft descended faster than the calm rate. */
  private descentStart(): number {
    const r = this.s;
    for (let k = 0; k + 1 < this.count; k++) {
      const i = this.ringBase + this.ring(this.head + k) * 2;
      const j = this.ringBase + this.ring(this.head + k + 1) * 2;
      if ((r[i + 1] - r[j + 1]) / ((r[j] - r[i]) / 1000) > this.opts.rapidDescentCalmRateMs) return r[i];
    }
    return r[this.ringBase + this.head * 2];
  }

  /** Ring index of position i, 0 <= i < 2 * cap (a compare instead of an integer division). */
  private ring(i: number): number {
    return i >= this.cap ? i - this.cap : i;
  }

  private push(ts: number, alt: number): void {
    const r = this.s;
    const rb = this.ringBase;
    if (this.count > 0) {
      const newest = this.ring(this.head + this.count - 1);
      if (ts - r[rb + newest * 2] < SAMPLE_EVERY_MS) return;
    }
    if (this.count === this.cap) {
      this.head = this.ring(this.head + 1);
      this.count--;
    }
    const i = rb + this.ring(this.head + this.count) * 2;
    r[i] = ts;
    r[i + 1] = alt;
    this.count++;
  }

  private event(
    o: Observation,
    phase: 'open' | 'closed',
    endedAt: number | null,
    rateMs: number,
    escalatedFrom?: Severity,
  ): AnomalyEvent {
    return anomalyEvent(
      'rapid_descent',
      phase,
      this.severity,
      o,
      { startedAt: this.startedAt, detectedAt: this.detectedAt, endedAt },
      o.airport?.ident ?? null,
      {
        rate_fpm: Number.isNaN(rateMs) ? null : Math.round(rateMs / FPM_MS),
        max_rate_fpm: Math.round(this.maxRateMs / FPM_MS),
        window_s: this.opts.rapidDescentWindowS,
        start_height_m: round1(this.startHeightM),
        reference_elevation_m: round1(this.refElevationM),
        ...(escalatedFrom ? { escalated_from: escalatedFrom } : {}),
      },
    );
  }
}

(RapidDescentMachine as unknown as { SCALARS: number }).SCALARS = defineSlots(RapidDescentMachine, [
  'startedAt',
  'detectedAt',
  'maxRateMs',
  'calmSinceMs',
  'startHeightM',
  'refElevationM',
  'runStartTs',
  'runLastAltM',
  'vrAvgMs',
  'vrAvgTs',
  'lastClimbTs',
]);
