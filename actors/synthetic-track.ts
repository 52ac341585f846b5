import { mulberry32 } from '../runtime/testing/prng.ts';
import { DEG, M_PER_DEG } from './geo.ts';

/**
 * Deterministic synthetic flights for tests and the benchmark: a truth trajectory (manoeuvres
 * integrated in small steps) and noisy fixes of it, from a seeded PRNG so failures reproduce.
 */

/** mulberry32 (runtime/testing/prng.ts): seeded, so failures reproduce. */
export const rng = mulberry32;

/** Standard normal via Box-Muller. */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export interface TruthPoint {
  tsMs: number;
  lat: number;
  lon: number;
  altM: number;
  speedMs: number;
  trackDeg: number;
  vrateMs: number;
}

/** A leg: hold for durationS with a turn rate (deg/s, + right), an acceleration and a vertical rate. */
export interface Leg {
  durationS: number;
  turnDegS?: number;
  accelMs2?: number;
  vrateMs?: number;
}

/** Integrates legs in 0.1 s steps and samples the truth at irregular times (gaps drawn in [minDtS, maxDtS]). */
export function truthTrack(
  start: { tsMs: number; lat: number; lon: number; altM: number; speedMs: number; trackDeg: number },
  legs: Leg[],
  sample: { minDtS: number; maxDtS: number; seed: number },
): TruthPoint[] {
  const rand = rng(sample.seed);
  const out: TruthPoint[] = [];
  let { lat, lon, altM, speedMs, trackDeg } = start;
  let tMs = start.tsMs;
  let nextMs = tMs;
  const stepS = 0.1;
  for (const leg of legs) {
    const steps = Math.round(leg.durationS / stepS);
    const vrate = leg.vrateMs ?? 0;
    for (let i = 0; i < steps; i++) {
      if (tMs >= nextMs) {
        out.push({ tsMs: Math.round(tMs), lat, lon, altM, speedMs, trackDeg, vrateMs: vrate });
        nextMs = tMs + 1000 * (sample.minDtS + rand() * (sample.maxDtS - sample.minDtS));
      }
      trackDeg = (trackDeg + (leg.turnDegS ?? 0) * stepS + 360) % 360;
      speedMs = Math.max(0, speedMs + (leg.accelMs2 ?? 0) * stepS);
      const ve = speedMs * Math.sin(trackDeg * DEG);
      const vn = speedMs * Math.cos(trackDeg * DEG);
      lat += (vn * stepS) / M_PER_DEG;
      lon += (ve * stepS) / (M_PER_DEG * Math.cos(lat * DEG));
      altM += vrate * stepS;
      tMs += stepS * 1000;
    }
  }
  return out;
}

export interface NoiseSigmas {
  posM: number;
  speedMs: number;
  trackDeg: number;
  altM: number;
  vrateMs: number;
}

/** ADS-B-like noise, close to what the filter assumes for pos_source 0. */
export const ADSB_NOISE: NoiseSigmas = { posM: 25, speedMs: 1, trackDeg: 0.5, altM: 8, vrateMs: 0.5 };

export function noisyFixes(truth: TruthPoint[], sig: NoiseSigmas, seed: number): TruthPoint[] {
  const g = gaussian(rng(seed));
  return truth.map((p) => ({
    tsMs: p.tsMs,
    lat: p.lat + (g() * sig.posM) / M_PER_DEG,
    lon: p.lon + (g() * sig.posM) / (M_PER_DEG * Math.cos(p.lat * DEG)),
    altM: p.altM + g() * sig.altM,
    speedMs: Math.max(0, p.speedMs + g() * sig.speedMs),
    trackDeg: (p.trackDeg + g() * sig.trackDeg + 360) % 360,
    vrateMs: p.vrateMs + g() * sig.vrateMs,
  }));
}
