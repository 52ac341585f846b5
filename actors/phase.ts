/**
 * Flight phase per update: ground, climb, descent, level (below the cruise band) or cruise.
 *
 * Fuzzy classification in the manner of Sun, Ellerbroek and Hoekstra (2017), "Flight extraction
 * and phase identification for large automatic dependent surveillance-broadcast datasets": each
 * input gets degrees of membership in a few sets, each phase is a rule over them (AND = min), and
 * the strongest rule wins. Ours differs where a stream needs it: the inputs are the track filter's
 * smoothed altitude and vertical rate (the filter already averages the noise the paper's 60 s
 * windows average), the sets are piecewise linear (no exp per update), "ground" is decided crisply
 * by the caller (on_ground, or a slow aircraft low near an airport), and there is hysteresis: the
 * current phase is kept unless another rule beats it by `HYSTERESIS`, so a vertical rate hovering
 * at a boundary does not flip the phase on every report.
 */

export const PHASE = { UNKNOWN: 0, GROUND: 1, CLIMB: 2, DESCENT: 3, LEVEL: 4, CRUISE: 5 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];
export const PHASE_NAMES = ['unknown', 'ground', 'climb', 'descent', 'level', 'cruise'] as const;

/** |vertical rate| up to this is fully "zero" (about 300 ft/min)... */
const VRATE_ZERO_MS = 1.5;
/** ...and from this on fully "climbing" or "descending" (about 800 ft/min). */
const VRATE_FULL_MS = 4;
/** Altitude from which "high" starts (about FL200)... */
const HIGH_FROM_M = 6_000;
/** ...and is complete (about FL280). */
const HIGH_FULL_M = 8_500;
/** Another phase must beat the current one by this much to replace it. */
const HYSTERESIS = 0.25;

/** 0 at or below x0, 1 at or above x1, linear between. */
function ramp(x: number, x0: number, x1: number): number {
  return x <= x0 ? 0 : x >= x1 ? 1 : (x - x0) / (x1 - x0);
}

/** Degree of membership of `phase` for these inputs (0..1); GROUND and UNKNOWN are decided by the caller. */
export function phaseStrength(phase: Phase, altM: number, vrateMs: number): number {
  const zero = 1 - ramp(vrateMs < 0 ? -vrateMs : vrateMs, VRATE_ZERO_MS, VRATE_FULL_MS);
  const high = Number.isNaN(altM) ? 0 : ramp(altM, HIGH_FROM_M, HIGH_FULL_M);
  switch (phase) {
    case PHASE.CLIMB:
      return ramp(vrateMs, VRATE_ZERO_MS, VRATE_FULL_MS);
    case PHASE.DESCENT:
      return ramp(-vrateMs, VRATE_ZERO_MS, VRATE_FULL_MS);
    case PHASE.LEVEL:
      return Math.min(zero, 1 - high);
    case PHASE.CRUISE:
      return Math.min(zero, high);
    default:
      return 0;
  }
}

/**
 * The airborne phase for smoothed `altM` (NaN: unknown) and `vrateMs` (+ climbing; NaN: unknown),
 * given the previous phase. Without a vertical rate nothing can be said: the previous airborne
 * phase stays (LEVEL when there is none). Computed in locals, returning a small integer (a double
 * returned from a call V8 does not inline is a heap number: garbage per update).
 */
export function airbornePhase(prev: Phase, altM: number, vrateMs: number): Phase {
  if (Number.isNaN(vrateMs)) return prev === PHASE.UNKNOWN || prev === PHASE.GROUND ? PHASE.LEVEL : prev;
  const av = vrateMs < 0 ? -vrateMs : vrateMs;
  const moving =
    av <= VRATE_ZERO_MS
      ? 0
      : av >= VRATE_FULL_MS
        ? 1
        : (av - VRATE_ZERO_MS) / (VRATE_FULL_MS - VRATE_ZERO_MS);
  const zero = 1 - moving;
  const climb = vrateMs > 0 ? moving : 0;
  const descent = vrateMs < 0 ? moving : 0;
  const high = !(altM > HIGH_FROM_M)
    ? 0
    : altM >= HIGH_FULL_M
      ? 1
      : (altM - HIGH_FROM_M) / (HIGH_FULL_M - HIGH_FROM_M);
  const level = zero < 1 - high ? zero : 1 - high;
  const cruise = zero < high ? zero : high;
  let best: Phase = PHASE.CLIMB;
  let bestS = climb;
  if (descent > bestS) {
    best = PHASE.DESCENT;
    bestS = descent;
  }
  if (level > bestS) {
    best = PHASE.LEVEL;
    bestS = level;
  }
  if (cruise > bestS) {
    best = PHASE.CRUISE;
    bestS = cruise;
  }
  if (best === prev || prev < PHASE.CLIMB) return best;
  const prevS =
    prev === PHASE.CLIMB ? climb : prev === PHASE.DESCENT ? descent : prev === PHASE.LEVEL ? level : cruise;
  return prevS + HYSTERESIS >= bestS ? prev : best;
}
