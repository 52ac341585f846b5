/**
 * Every tunable of the per-aircraft logic, with its default (contract section 4) and unit in its
 * name. docs/actors.md's defaults table is generated from this file (`tsx actors/write-docs.ts`) and a
 * test checks the two agree, so the docs cannot drift from the code.
 */

/** Speed of sound at sea level in the standard atmosphere. */
export const SPEED_OF_SOUND_MS = 340.29;
/** 1 ft/min in m/s. */
export const FPM_MS = 0.3048 / 60;

export const DETECTOR_DEFAULTS = {
  // --- order gate -------------------------------------------------------------------------
  /** A fix implying more than Mach 3.5 from the last accepted fix is implausible. */
  maxSpeedMs: 3.5 * SPEED_OF_SOUND_MS,
  /** ...but only when it is also further than this: small jumps are GPS noise, not teleports. */
  implausibleMinDistM: 5_000,
  /** This many consecutive implausible fixes that agree with each other reset the track to them. */
  resetAgreeingFixes: 3,

  // --- fresh positions and plausible altitudes ------------------------------------------
  /** A fix at exactly the last fix's position while time advances, by a moving aircraft, is stale. */
  staleMinSpeedMs: 3,
  /** An altitude implying a faster climb or descent than this (about 24,600 ft/min) from the last plausible one... */
  maxVrateMs: 125,
  /** ...beyond this allowance for quantisation and noise is implausible, unless the next report confirms it. */
  altNoiseM: 75,
  /** An airborne report slower than this (not a rotorcraft or balloon) is a stopped aircraft: its altitude is ignored. */
  stoppedSpeedMs: 10,

  // --- flights ----------------------------------------------------------------------------
  /** A silence longer than this ends the flight: the next report starts a new one (every machine clean). */
  flightGapS: 300,
  /** Slower than this at low height near an airport is a landing (many feeds never set on_ground). */
  landingSpeedMs: 25,
  /** ...below this height over the airport... */
  landingMaxHeightM: 150,
  /** ...within this distance of it. */
  landingRadiusM: 6_000,

  // --- Kalman filter ----------------------------------------------------------------------
  /** A gap longer than this re-initialises the filter from the next fix instead of predicting across it. */
  gapResetS: 60,
  /** White-noise acceleration density of the horizontal constant-velocity model (m^2/s^3). */
  horizAccelNoiseM2S3: 0.1,
  /** Same for the altitude channel (alt, vrate) (m^2/s^3). */
  vertAccelNoiseM2S3: 0.1,
  /** Position noise (1 sigma) by pos_source: ADS-B, ASTERIX, MLAT, FLARM. */
  posSigmaMBySource: [25, 150, 100, 25] as readonly number[],
  /** Velocity noise (1 sigma, per axis) by pos_source: ADS-B, ASTERIX, MLAT, FLARM. */
  velSigmaMsBySource: [1.5, 10, 8, 2] as readonly number[],
  /** Barometric / geometric altitude noise (1 sigma). */
  altSigmaM: 10,
  /** Vertical rate noise (1 sigma); ADS-B reports it in 64 ft/min steps. */
  vrateSigmaMs: 0.75,
  /** Innovation gate: squared Mahalanobis distance above which a fix is an outlier (chi2, 2 dof: 1e-5). */
  gateChi2: 23,
  /** After this many consecutive outliers the filter believes the fixes and re-initialises. */
  gateMaxRejects: 2,

  // --- airports ---------------------------------------------------------------------------
  /** Heights are taken over the nearest airport within this radius (else over sea level). */
  airportRadiusM: 50_000,

  // --- rapid_descent ----------------------------------------------------------------------
  /** Opens when the descent averaged over the window is faster than 4,000 ft/min. */
  rapidDescentRateMs: 4_000 * FPM_MS,
  /** Critical instead of warning beyond 6,000 ft/min. */
  rapidDescentCriticalRateMs: 6_000 * FPM_MS,
  /** The sliding window the descent rate is averaged over. */
  rapidDescentWindowS: 60,
  /** The window must start this high over the reference airport (sea level when none is near). */
  rapidDescentMinStartHeightM: 3_000,
  /** At least this many consecutive plausible fixes, each lower than the last, confirm the descent over the window. */
  rapidDescentMinFixes: 5,
  /** Where the feed reports a vertical rate, its mean over the window must be at least this share of the rate. */
  rapidDescentVrateAgreement: 0.5,
  /** No climb phase within this long before: a push-over after a pull-up (parabolic flight) is no loss of height. */
  rapidDescentNoClimbS: 180,
  /** Closes once the descent has been slower than 1,000 ft/min... */
  rapidDescentCalmRateMs: 1_000 * FPM_MS,
  /** ...for this long. */
  rapidDescentCalmS: 60,

  // --- go_around --------------------------------------------------------------------------
  /** An approach starts within this distance of an airport... */
  approachRadiusM: 20_000,
  /** ...below this height over its elevation... */
  approachMaxHeightM: 1_500,
  /** ...when descending faster than this (smoothed vrate below minus this). */
  approachDescentRateMs: 1,
  /** The lowest point of the approach is tracked within this distance of the airport (over the runway or on short final). */
  lowPointRadiusM: 5_000,
  /** A go-around needs the lowest point below this height (about 2,500 ft)... */
  goAroundMaxLowHeightM: 750,
  /** ...and a climb of at least this much above it (about 500 ft) without touching the ground... */
  goAroundMinClimbM: 150,
  /** ...that is sustained: it stays that high for this long (a pop-up that comes straight back down to land is no go-around)... */
  goAroundHoldS: 60,
  /** ...or goes on to this much above the low point (about 1,000 ft, circuit height), which confirms it at once. */
  goAroundClearClimbM: 300,
  /** An approach must descend at least this much before its low point counts (a level pass is not an approach)... */
  approachMinDescentM: 300,
  /** ...from the highest altitude of the last this-long (to 1.1 times it: ten buckets) before the low point. */
  approachDescentWindowS: 600,
  /** ...and within this distance of the airport (a descent towards it, which may begin just outside the approach zone). */
  approachDescentRadiusM: 25_000,
  /** The climb must come within this long of the lowest point. */
  goAroundMaxClimbS: 300,
  /** How long a detected go-around stays in the Track's `anomalies` list. */
  goAroundFlagS: 120,

  // --- emergency_squawk -------------------------------------------------------------------
  /** Opens after this many consecutive accepted updates with 7500, 7600 or 7700... */
  emergencyOpenUpdates: 2,
  /** ...and closes after this many without. */
  emergencyCloseUpdates: 2,

  // --- signal_lost ------------------------------------------------------------------------
  /** An airborne aircraft silent this long, while the feed advances, has lost its signal. */
  signalLostAfterS: 120,
  /** ...and others were reported near its dead-reckoned position (own altitude band or the one below) during the silence, at least this many times... */
  coverageMinReports: 3,
  /** ...and that position and the one this far beyond lie inside what the source covers (not leaving it at its edge). */
  coverageAheadM: 45_000,
  /** A cell counts as covered by the source when it saw a report within this long. */
  coverageExtentS: 1_800,
  /** ...and it was higher than this over the nearest airport (or sea level): lower, flights drop out behind terrain and the horizon... */
  signalLostMinHeightM: 450,
  /** ...and others were seen around it during the silence no more than this below its dead-reckoned altitude (or higher)... */
  similarAltitudeM: 300,
  /** ...in at least this many (cell, minute) pairs: it is not above what the source sees there (a ceiling is an edge too)... */
  coverageAboveMinutes: 2,
  /** ...and it was not descending into an airport: lower than this over an airport... */
  arrivalMaxHeightM: 1_200,
  /** ...within this distance of it. */
  arrivalRadiusM: 25_000,
  /** ...and the dead-reckoned position is this far inside the source's configured box (live polling). */
  sourceEdgeMarginM: 20_000,

  // --- feed clock ---------------------------------------------------------------------------
  /** The feed clock is the latest report time that this many aircraft have reached (one fix cannot move it). */
  feedClockQuorum: 3,
  /** A fix more than this ahead of its partition's feed clock waits until others agree (else it is dropped as `future`). */
  futureToleranceS: 60,
  /** A fix held as ahead of the feed for longer than this (feed time) is dropped as `future`. */
  futureHoldS: 120,
  /** The feed clock jumping by more than this with nothing in between is an outage of the source. */
  outageGapS: 60,

  // --- actors -----------------------------------------------------------------------------
  /** An actor with no message for this long stops (ACTOR_IDLE_S). */
  actorIdleS: 300,
};

export type DetectorOptions = typeof DETECTOR_DEFAULTS;

/** Merges overrides onto the defaults and rejects values that cannot work, naming the fix. */
export function detectorOptions(overrides: Partial<DetectorOptions> = {}): DetectorOptions {
  const o = { ...DETECTOR_DEFAULTS, ...overrides };
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v)) {
      if (v.length !== 4 || v.some((x) => !(Number.isFinite(x) && x > 0)))
        throw new RangeError(`detector option ${k} takes four positive numbers (one per pos_source)`);
    } else if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`detector option ${k} takes a finite number >= 0, got ${String(v)}`);
    }
  }
  if (o.lowPointRadiusM > o.approachRadiusM)
    throw new RangeError('detector option lowPointRadiusM must not exceed approachRadiusM');
  if (o.rapidDescentCriticalRateMs < o.rapidDescentRateMs)
    throw new RangeError('detector option rapidDescentCriticalRateMs must be >= rapidDescentRateMs');
  if (o.feedClockQuorum < 1 || o.rapidDescentMinFixes < 2)
    throw new RangeError('detector option feedClockQuorum must be >= 1 and rapidDescentMinFixes >= 2');
  if (o.emergencyOpenUpdates < 1 || o.emergencyCloseUpdates < 1 || o.resetAgreeingFixes < 1)
    throw new RangeError('detector update counts (emergency*Updates, resetAgreeingFixes) must be >= 1');
  return o;
}
