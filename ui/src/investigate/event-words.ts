import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import { EMERGENCY_SQUAWKS } from '../core/emphasis.ts';

/**
 * The event card's words (pure): what happened, when, in plain language. Units: feet and flight
 * levels as pilots and controllers say them (metres in the data, converted here).
 */
export const FT_PER_M = 3.28084;
export const FPM_PER_MS = 196.8504;

const TITLES: Record<AnomalyEvent['type'], string> = {
  emergency_squawk: 'emergency squawk',
  rapid_descent: 'rapid descent',
  go_around: 'go-around',
  signal_lost: 'signal lost',
};
const SQUAWK_WORDS: Record<string, string> = {
  '7500': 'hijack',
  '7600': 'radio failure',
  '7700': 'general emergency',
};

export const eventTitle = (e: AnomalyEvent): string => TITLES[e.type] ?? e.type;

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const thousands = (x: number): string => Math.round(x).toLocaleString('en-US');

/** FL350 above 18,000 ft, "12,300 ft" below. */
export function altitudeWords(altM: number | null): string {
  if (altM === null) return 'unknown altitude';
  const ft = altM * FT_PER_M;
  if (ft >= 18_000) return `FL${String(Math.round(ft / 100)).padStart(3, '0')}`;
  return `${thousands(Math.round(ft / 10) * 10)} ft`;
}

/** "2 min", "45 s", "1 h 5 min". */
export function durationWords(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t < 120) return `${t} s`;
  const m = Math.round(t / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "just now", "3 min ago", "2 h ago", "in 1 min" (clock skew). */
export function agoWords(ms: number, nowMs: number): string {
  const s = (nowMs - ms) / 1000;
  if (s < -30) return `in ${durationWords(-s)}`;
  if (s < 30) return 'just now';
  return `${durationWords(s)} ago`;
}

export const utcTime = (ms: number): string =>
  `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export function localTime(ms: number, timeZone?: string): string {
  return new Date(ms).toLocaleString('en-GB', { timeZone, timeZoneName: 'short', hour12: false });
}

/**
 * The details in words: "squawk 7700 general emergency", "descended 6,700 ft/min for 60 s from
 * FL350", "lowest 390 ft above KJFK, climbed 580 ft", "silent 2 min; 14 aircraft seen nearby
 * meanwhile". `nearby` is the count from GET /anomalies/{id} (signal_lost), when known.
 */
export function detailWords(e: AnomalyEvent, nearby: number | null = null): string {
  const d = e.details;
  switch (e.type) {
    case 'emergency_squawk': {
      const code = typeof d.squawk === 'string' ? d.squawk : '7700';
      return `squawk ${code} ${SQUAWK_WORDS[code] ?? EMERGENCY_SQUAWKS[code] ?? 'emergency'}`;
    }
    case 'rapid_descent': {
      const rate = num(d.max_rate_fpm) ?? num(d.rate_fpm);
      const window = num(d.window_s);
      const startH = num(d.start_height_m);
      const refElev = num(d.reference_elevation_m) ?? 0;
      const from = startH !== null ? startH + refElev : null;
      const parts = [
        `descended ${rate === null ? 'fast' : `${thousands(Math.round(rate / 100) * 100)} ft/min`}`,
      ];
      if (window !== null) parts.push(`for ${durationWords(window)}`);
      if (from !== null) parts.push(`from ${altitudeWords(from)}`);
      return parts.join(' ');
    }
    case 'go_around': {
      const low = num(d.lowest_height_m);
      const climb = num(d.climb_m);
      const where = e.airport ? ` above ${e.airport}` : '';
      const lowest =
        low === null
          ? `lowest ${altitudeWords(e.alt_m)}`
          : `lowest ${thousands(Math.round((low * FT_PER_M) / 10) * 10)} ft${where}`;
      return climb === null
        ? lowest
        : `${lowest}, climbed ${thousands(Math.round((climb * FT_PER_M) / 10) * 10)} ft`;
    }
    case 'signal_lost': {
      const silent = num(d.silent_s) ?? (e.ended_at !== null ? (e.ended_at - e.started_at) / 1000 : null);
      const head =
        silent === null ? 'silent' : `silent ${durationWords(silent)}${e.ended_at === null ? ' so far' : ''}`;
      if (nearby === null) return head;
      return `${head}; ${nearby} aircraft seen nearby meanwhile`;
    }
    default:
      return JSON.stringify(d);
  }
}
