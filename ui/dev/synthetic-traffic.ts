import type { AnomalyEvent } from '../../runtime/contract/anomaly.ts';
import type { Track } from '../../runtime/contract/track.ts';
import { offsetLatLon } from '../src/core/geo.ts';

/** Deterministic PRNG (mulberry32) so a benchmark run sees the same traffic every time. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrafficOptions {
  aircraft: number;
  /** Centre and angular radius (degrees) of the area the aircraft fly in. */
  centre: { lat: number; lon: number };
  radiusDeg: number;
  seed: number;
}

/**
 * N synthetic aircraft as Tracks (contract section 6), moved in a straight line by `advance`.
 * Pure apart from the state it owns: time comes in as an argument.
 */
export class SyntheticTraffic {
  readonly tracks: Track[] = [];
  private readonly rand: () => number;

  constructor(o: TrafficOptions, nowMs: number) {
    this.rand = prng(o.seed);
    for (let i = 0; i < o.aircraft; i++) {
      const r = this.rand;
      const onGround = r() < 0.05;
      const alt = onGround ? 0 : Math.round(300 + r() ** 0.7 * 12_000);
      this.tracks.push({
        icao24: (0xa00000 + i).toString(16),
        callsign: `SYN${String(i).padStart(4, '0')}`,
        origin_country: 'Synthetia',
        lat: round(o.centre.lat + (r() * 2 - 1) * o.radiusDeg * 0.8, 5),
        lon: round(o.centre.lon + (r() * 2 - 1) * o.radiusDeg, 5),
        alt_m: alt,
        speed_ms: onGround ? 8 : Math.round(120 + r() * 140),
        track_deg: Math.round(r() * 3599) / 10,
        vrate_ms: onGround ? 0 : Math.round((r() * 2 - 1) * 100) / 10,
        on_ground: onGround,
        squawk: String(Math.floor(r() * 4096).toString(8)).padStart(4, '0'),
        ts: nowMs,
        anomalies: [],
      });
    }
  }

  /** Moves aircraft [from, from + count) (wrapping) to `nowMs`; returns them (the delta's upserts). */
  advance(from: number, count: number, nowMs: number): Track[] {
    const out: Track[] = [];
    const n = this.tracks.length;
    for (let k = 0; k < Math.min(count, n); k++) {
      const i = (from + k) % n;
      const t = this.tracks[i]!;
      const dt = (nowMs - t.ts) / 1000;
      const p = offsetLatLon(t.lat, t.lon, t.track_deg ?? 0, (t.speed_ms ?? 0) * dt);
      const alt = t.on_ground ? 0 : Math.min(12_500, Math.max(300, (t.alt_m ?? 0) + (t.vrate_ms ?? 0) * dt));
      const next: Track = {
        ...t,
        lat: round(p.lat, 5),
        lon: round(p.lon, 5),
        alt_m: Math.round(alt),
        ts: nowMs,
      };
      this.tracks[i] = next;
      out.push(next);
    }
    return out;
  }

  /** Gives one aircraft squawk 7700 and returns the matching open AnomalyEvent. */
  emergency(i: number, nowMs: number): AnomalyEvent {
    const t = this.tracks[i % this.tracks.length]!;
    t.squawk = '7700';
    t.anomalies = ['emergency_squawk'];
    return {
      v: 1,
      id: `emergency_squawk:${t.icao24}:${nowMs}`,
      type: 'emergency_squawk',
      phase: 'open',
      severity: 'critical',
      icao24: t.icao24,
      callsign: t.callsign,
      started_at: nowMs,
      detected_at: nowMs,
      ended_at: null,
      lat: t.lat,
      lon: t.lon,
      alt_m: t.alt_m,
      airport: null,
      details: { squawk: '7700' },
    };
  }
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
