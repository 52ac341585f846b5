import type { DetectorOptions } from './defaults.ts';
import { DEG, M_PER_DEG, wrapDeg } from './geo.ts';
import { type SlotArray, slotArray } from './slots.ts';

/**
 * Track filter: constant velocity in a local tangent plane (east, north, v_east, v_north) plus an
 * altitude channel (alt, vrate), with real irregular dt.
 *
 * The 4x4 horizontal model is block-diagonal: F, Q, H and R (isotropic position noise, per-axis
 * velocity noise) never couple east with north, so a covariance that starts block-diagonal stays
 * so and the filter is exactly three independent 2-state filters (east, north, up), each with a
 * symmetric 2x2 covariance [a b; b c]. That is the whole reason the math below is hand-unrolled
 * 2x2: no matrix library, no allocation, symmetric by construction.
 *
 * All state lives in a slice of the aircraft's SlotArray (unboxed doubles; one array per aircraft,
 * shared with the other parts).
 */

// Per-axis layout: position, velocity, covariance a (pp), b (pv), c (vv).
const P = 0;
const V = 1;
const A = 2;
const B = 3;
const C = 4;
const EAST = 0;
const NORTH = 5;
const UP = 10;
// Filter-wide slots.
const LAT0 = 15; // tangent-plane origin
const LON0 = 16;
const COS0 = 17; // cos(lat0), floored so the poles cannot divide by zero
const TS = 18; // ms of the last fix folded in
const H_INIT = 19; // 1 once the horizontal channels hold a track
const U_INIT = 20; // 1 once the altitude channel does
const H_REJECTS = 21; // consecutive horizontal outliers
const U_REJECTS = 22; // consecutive altitude outliers
const SIZE = 23;

/** Re-centre the tangent plane when the aircraft is this far from its origin (keeps distortion small). */
const REORIGIN_M = 20_000;
/** Velocity uncertainty when a fix carries no velocity (1 sigma, m/s). */
const UNKNOWN_VEL_SIGMA_MS = 150;
const UNKNOWN_VRATE_SIGMA_MS = 10;
const MIN_COS = 0.01;
/** Normalised squared velocity innovation (2 dof) beyond which a fix shows a manoeuvre (p = 0.01). */
const MANOEUVRE_NIS = 9.2;

/** What one fix did to the filter. */
export const FILTER = { UPDATED: 0, INITIALISED: 1, OUTLIER: 2, REINITIALISED: 3 } as const;
export type FilterCode = (typeof FILTER)[keyof typeof FILTER];

export type FilterOptions = Pick<
  DetectorOptions,
  | 'gapResetS'
  | 'horizAccelNoiseM2S3'
  | 'vertAccelNoiseM2S3'
  | 'posSigmaMBySource'
  | 'velSigmaMsBySource'
  | 'altSigmaM'
  | 'vrateSigmaMs'
  | 'gateChi2'
  | 'gateMaxRejects'
>;

/**
 * The doubles handed to the per-axis helpers. V8 does not inline them into TrackFilter.update (it
 * is over the inlining budget), and a double passed to a call that is not inlined is boxed: a heap
 * number per argument, ~150 bytes of garbage per fix. Handed over here instead (everything is
 * synchronous, so one scratch array serves every filter).
 */
const ARG = new Float64Array(4);

/** Predicts one axis by dt = ARG[0] with process noise q = ARG[1]. */
function predictAxis(s: SlotArray, o: number): void {
  const dt = ARG[0];
  const q = ARG[1];
  const a = s[o + A];
  const b = s[o + B];
  const c = s[o + C];
  const dt2 = dt * dt;
  s[o + P] += s[o + V] * dt;
  s[o + A] = a + 2 * dt * b + dt2 * c + (q * dt2 * dt) / 3;
  s[o + B] = b + dt * c + (q * dt2) / 2;
  s[o + C] = c + q * dt;
}

/** Position-only update: z = ARG[0], measurement variance r = ARG[2]. */
function updatePos(s: SlotArray, o: number): void {
  const z = ARG[0];
  const r = ARG[2];
  const a = s[o + A];
  const b = s[o + B];
  const c = s[o + C];
  const inv = 1 / (a + r);
  const y = z - s[o + P];
  s[o + P] += a * inv * y;
  s[o + V] += b * inv * y;
  s[o + A] = a * r * inv;
  s[o + B] = b * r * inv;
  s[o + C] = c - b * b * inv;
}

/**
 * Position and velocity update: zp = ARG[0], zv = ARG[1], variances r = ARG[2] (position) and
 * w = ARG[3] (velocity). P' = P - P S^-1 P.
 */
function updatePosVel(s: SlotArray, o: number): void {
  const zp = ARG[0];
  const zv = ARG[1];
  const r = ARG[2];
  const w = ARG[3];
  const a = s[o + A];
  const b = s[o + B];
  const c = s[o + C];
  const s00 = a + r;
  const s11 = c + w;
  const inv = 1 / (s00 * s11 - b * b);
  // K = P S^-1
  const k00 = (a * s11 - b * b) * inv;
  const k01 = b * r * inv;
  const k10 = b * w * inv;
  const k11 = (c * s00 - b * b) * inv;
  const yp = zp - s[o + P];
  const yv = zv - s[o + V];
  s[o + P] += k00 * yp + k01 * yv;
  s[o + V] += k10 * yp + k11 * yv;
  s[o + A] = a - (k00 * a + k01 * b);
  s[o + B] = b - (k00 * b + k01 * c);
  s[o + C] = c - (k10 * b + k11 * c);
}

function initAxis(s: SlotArray, o: number, p: number, v: number, pVar: number, vVar: number): void {
  s[o + P] = p;
  s[o + V] = v;
  s[o + A] = pVar;
  s[o + B] = 0;
  s[o + C] = vVar;
}

/**
 * One fix for `TrackFilter.fold`, in slots of a scratch array the caller fills first (NaN: not
 * reported). Nine doubles handed to a call V8 does not inline (`fold` is over its budget) would
 * each be boxed into a new heap number: the aircraft's per-update garbage. DT is the filter's own.
 */
export const FIX = {
  TS: 0,
  LAT: 1,
  LON: 2,
  ALT: 3,
  SPEED: 4,
  TRACK: 5,
  VRATE: 6,
  POS_SOURCE: 7,
  DT: 8,
} as const;
/** The fix `fold` reads (one for every filter: everything is synchronous). */
export const FIX_IN = new Float64Array(9);

export class TrackFilter {
  static readonly SLOTS = SIZE;
  private readonly o: FilterOptions;

  /** `s`/`b`: where its state lives (AircraftCore packs every part of an aircraft into one array). */
  constructor(
    options: FilterOptions,
    readonly s: SlotArray = slotArray(SIZE),
    readonly b = 0,
  ) {
    this.o = options;
  }

  /** Forgets everything: the next fix initialises. */
  clear(): void {
    this.s.fill(0, this.b, this.b + SIZE);
  }

  /** Forgets the altitude channel: the next altitude starts it afresh (the altitude jumped). */
  resetAltitude(): void {
    this.s[this.b + U_INIT] = 0;
  }

  /** Holds the altitude where it is (vertical rate 0): on the ground, where reported altitudes are ignored. */
  holdAltitude(): void {
    this.s[this.b + UP + V] = 0;
  }

  get initialised(): boolean {
    return this.s[this.b + H_INIT] === 1;
  }

  /**
   * Folds in one fix. Unknown values are NaN (not null) so the hot path stays monomorphic.
   * `reinit` forces a fresh start (the order gate reset the track). (Through FIX_IN and `fold`.)
   */
  update(
    tsMs: number,
    lat: number,
    lon: number,
    altM: number,
    speedMs: number,
    trackDeg: number,
    vrateMs: number,
    posSource: number,
    reinit: boolean,
  ): FilterCode {
    const x = FIX_IN;
    x[FIX.TS] = tsMs;
    x[FIX.LAT] = lat;
    x[FIX.LON] = lon;
    x[FIX.ALT] = altM;
    x[FIX.SPEED] = speedMs;
    x[FIX.TRACK] = trackDeg;
    x[FIX.VRATE] = vrateMs;
    x[FIX.POS_SOURCE] = posSource;
    return this.fold(reinit);
  }

  /** `update` of the fix in FIX_IN (the hot path: the caller writes the slots, nothing is boxed). */
  fold(reinit: boolean): FilterCode {
    const x = FIX_IN;
    const tsMs = x[FIX.TS];
    const lat = x[FIX.LAT];
    const lon = x[FIX.LON];
    const speedMs = x[FIX.SPEED];
    const trackDeg = x[FIX.TRACK];
    const vrateMs = x[FIX.VRATE];
    const posSource = x[FIX.POS_SOURCE];
    const s = this.s;
    const b = this.b;
    const o = this.o;
    const src = posSource >= 0 && posSource <= 3 ? posSource | 0 : 0;
    const posSigma = o.posSigmaMBySource[src];
    const velSigma = o.velSigmaMsBySource[src];
    const r = posSigma * posSigma;
    const w = velSigma * velSigma;
    const hasVel = !Number.isNaN(speedMs) && !Number.isNaN(trackDeg);
    const ve = hasVel ? speedMs * Math.sin(trackDeg * DEG) : 0;
    const vn = hasVel ? speedMs * Math.cos(trackDeg * DEG) : 0;
    const dt = (tsMs - s[b + TS]) / 1000;

    if (reinit || s[b + H_INIT] !== 1 || dt > o.gapResetS) {
      this.initHorizontal(lat, lon, ve, vn, hasVel, r, w);
      s[b + U_INIT] = 0;
      x[FIX.DT] = 0;
      this.foldAltitude();
      s[b + TS] = tsMs;
      return FILTER.INITIALISED;
    }
    let gateVar = 0;
    if (dt > 0) {
      const q = o.horizAccelNoiseM2S3;
      const v1e = s[b + EAST + V];
      const v1n = s[b + NORTH + V];
      ARG[0] = dt;
      ARG[1] = q;
      predictAxis(s, b + EAST);
      predictAxis(s, b + NORTH);
      if (hasVel) {
        const dve = ve - v1e;
        const dvn = vn - v1n;
        const nis = (dve * dve) / (s[b + EAST + C] + w) + (dvn * dvn) / (s[b + NORTH + C] + w);
        if (nis > MANOEUVRE_NIS) {
          // A manoeuvre: the measured velocity is far from the model's. Use it as a control input:
          // the aircraft moved along the arc from its old velocity to the new one, not straight on
          // (else a 3 deg/s turn between 10 s fixes is 400 m off and looks like an outlier). The
          // displacement of a constant-rate turn is the mean velocity times dt, scaled by tan(h)/h
          // for half the turn angle h. The input is as noisy as the measured velocity, and the
          // model's velocity is let go (variance raised by the excess) to follow the measurement.
          const cross = v1e * vn - v1n * ve;
          const dot = v1e * ve + v1n * vn;
          const h = Math.atan2(cross, dot) / 2;
          const k = h > -1e-4 && h < 1e-4 ? 1 : h > -1.2 && h < 1.2 ? Math.tan(h) / h : 1;
          s[b + EAST + P] += ((k * (v1e + ve)) / 2 - v1e) * dt;
          s[b + NORTH + P] += ((k * (v1n + vn)) / 2 - v1n) * dt;
          // The input is as noisy as the measured velocity. Not knowing when within dt the
          // velocity changed (a turn that ended mid-interval) widens only the outlier gate, by
          // |dv| dt / sqrt(12) per axis, so the end of a turn is not mistaken for an outlier.
          const dt2 = dt * dt;
          s[b + EAST + A] += (dt2 * w) / 4;
          s[b + NORTH + A] += (dt2 * w) / 4;
          gateVar = (dt2 * (dve * dve + dvn * dvn)) / 24;
          s[b + EAST + C] += Math.max(0, dve * dve - w);
          s[b + NORTH + C] += Math.max(0, dvn * dvn - w);
        }
      }
      if (s[b + U_INIT] === 1) {
        const v1 = s[b + UP + V];
        ARG[0] = dt;
        ARG[1] = o.vertAccelNoiseM2S3;
        predictAxis(s, b + UP);
        if (!Number.isNaN(vrateMs)) {
          const wz = o.vrateSigmaMs * o.vrateSigmaMs;
          const dv = vrateMs - v1;
          if ((dv * dv) / (s[b + UP + C] + wz) > MANOEUVRE_NIS / 2) {
            // Level-off or start of a climb: trapezoid (exact for a steady vertical acceleration).
            s[b + UP + P] += (dv * dt) / 2;
            s[b + UP + A] += dt * dt * (wz / 4 + (dv * dv) / 12);
            s[b + UP + C] += Math.max(0, dv * dv - wz);
          }
        }
      }
    }
    s[b + TS] = tsMs;
    x[FIX.DT] = dt;
    this.foldAltitude();

    const ze = wrapDeg(lon - s[b + LON0]) * M_PER_DEG * s[b + COS0];
    const zn = (lat - s[b + LAT0]) * M_PER_DEG;
    const ye = ze - s[b + EAST + P];
    const yn = zn - s[b + NORTH + P];
    const d2 = (ye * ye) / (s[b + EAST + A] + r + gateVar) + (yn * yn) / (s[b + NORTH + A] + r + gateVar);
    if (!(d2 <= o.gateChi2)) {
      if (s[b + H_REJECTS] < o.gateMaxRejects) {
        s[b + H_REJECTS] += 1;
        return FILTER.OUTLIER;
      }
      // The fixes keep disagreeing: the model is wrong (a sharp manoeuvre), believe them.
      this.initHorizontal(lat, lon, ve, vn, hasVel, r, w);
      return FILTER.REINITIALISED;
    }
    s[b + H_REJECTS] = 0;
    ARG[2] = r;
    ARG[3] = w;
    ARG[0] = ze;
    ARG[1] = ve;
    if (hasVel) updatePosVel(s, b + EAST);
    else updatePos(s, b + EAST);
    ARG[0] = zn;
    ARG[1] = vn;
    if (hasVel) updatePosVel(s, b + NORTH);
    else updatePos(s, b + NORTH);
    if (Math.abs(s[b + EAST + P]) > REORIGIN_M || Math.abs(s[b + NORTH + P]) > REORIGIN_M) this.reorigin();
    return FILTER.UPDATED;
  }

  private initHorizontal(
    lat: number,
    lon: number,
    ve: number,
    vn: number,
    hasVel: boolean,
    r: number,
    w: number,
  ): void {
    const s = this.s;
    const b = this.b;
    this.setOrigin(lat, lon);
    const vVar = hasVel ? w : UNKNOWN_VEL_SIGMA_MS * UNKNOWN_VEL_SIGMA_MS;
    initAxis(s, b + EAST, 0, ve, r, vVar);
    initAxis(s, b + NORTH, 0, vn, r, vVar);
    s[b + H_INIT] = 1;
    s[b + H_REJECTS] = 0;
  }

  /** Altitude channel: its own gate, since baro glitches and position glitches are independent. */
  private foldAltitude(): void {
    const altM = FIX_IN[FIX.ALT];
    const vrateMs = FIX_IN[FIX.VRATE];
    const dt = FIX_IN[FIX.DT];
    if (Number.isNaN(altM)) return; // NaN: no altitude in this fix (often on the ground)
    const s = this.s;
    const b = this.b;
    const o = this.o;
    const r = o.altSigmaM * o.altSigmaM;
    const hasRate = !Number.isNaN(vrateMs);
    const w = o.vrateSigmaMs * o.vrateSigmaMs;
    if (s[b + U_INIT] !== 1 || dt > o.gapResetS) {
      const vVar = hasRate ? w : UNKNOWN_VRATE_SIGMA_MS * UNKNOWN_VRATE_SIGMA_MS;
      initAxis(s, b + UP, altM, hasRate ? vrateMs : 0, r, vVar);
      s[b + U_INIT] = 1;
      s[b + U_REJECTS] = 0;
      return;
    }
    const y = altM - s[b + UP + P];
    if (!((y * y) / (s[b + UP + A] + r) <= o.gateChi2)) {
      if (s[b + U_REJECTS] < o.gateMaxRejects) {
        s[b + U_REJECTS] += 1;
        return;
      }
      initAxis(s, b + UP, altM, hasRate ? vrateMs : 0, r, hasRate ? w : UNKNOWN_VRATE_SIGMA_MS ** 2);
      s[b + U_REJECTS] = 0;
      return;
    }
    s[b + U_REJECTS] = 0;
    ARG[0] = altM;
    ARG[1] = vrateMs;
    ARG[2] = r;
    ARG[3] = w;
    if (hasRate) updatePosVel(s, b + UP);
    else updatePos(s, b + UP);
  }

  private setOrigin(lat: number, lon: number): void {
    const s = this.s;
    const b = this.b;
    s[b + LAT0] = lat;
    s[b + LON0] = lon;
    s[b + COS0] = Math.max(MIN_COS, Math.cos(lat * DEG));
  }

  private reorigin(): void {
    const s = this.s;
    const b = this.b;
    const lat = this.lat;
    const lon = this.lon;
    this.setOrigin(lat, lon);
    s[b + EAST + P] = 0;
    s[b + NORTH + P] = 0;
  }

  /**
   * Writes lat, lon, altM and vrateMs (the getters below) to dst[at..at+3]. For the hot path: a
   * double returned from a getter that V8 does not inline into its caller is boxed (16 bytes of
   * garbage each); here the getters are inlined into this small method and nothing is returned.
   */
  writeSmoothed(dst: SlotArray, at: number): void {
    dst[at] = this.lat;
    dst[at + 1] = this.lon;
    dst[at + 2] = this.altM;
    dst[at + 3] = this.vrateMs;
  }

  // --- smoothed outputs (valid once initialised) ---
  get lat(): number {
    const lat = this.s[this.b + LAT0] + this.s[this.b + NORTH + P] / M_PER_DEG;
    return Math.min(90, Math.max(-90, lat));
  }
  get lon(): number {
    return wrapDeg(this.s[this.b + LON0] + this.s[this.b + EAST + P] / (M_PER_DEG * this.s[this.b + COS0]));
  }
  /** NaN until an altitude has been seen. */
  get altM(): number {
    return this.s[this.b + U_INIT] === 1 ? this.s[this.b + UP + P] : Number.NaN;
  }
  get vrateMs(): number {
    return this.s[this.b + U_INIT] === 1 ? this.s[this.b + UP + V] : Number.NaN;
  }
  get speedMs(): number {
    const ve = this.s[this.b + EAST + V];
    const vn = this.s[this.b + NORTH + V];
    return Math.sqrt(ve * ve + vn * vn);
  }
  get trackDeg(): number {
    const d = Math.atan2(this.s[this.b + EAST + V], this.s[this.b + NORTH + V]) / DEG;
    return d < 0 ? d + 360 : d;
  }
  /** Covariance of one axis (0 east, 1 north, 2 up) as [a, b, c]: for tests and diagnostics. */
  covariance(axis: 0 | 1 | 2): [number, number, number] {
    const o = this.b + axis * 5;
    return [this.s[o + A], this.s[o + B], this.s[o + C]];
  }
}
