import type { AnomalyEvent } from './anomaly.ts';

/**
 * The wire shapes of GET /anomalies/{id}, GET /playback and the /ws/playback status frame
 * (docs/edge.md): the edge builds them, the UI reads them.
 */

/** [ts ms, lat, lon, alt_m], as in GET /flights/{icao24}'s trail. */
export type TrailPoint = [tsMs: number, lat: number, lon: number, altM: number | null];

/** An aircraft's newest known state (smoothed position, as the live Track). */
export interface LastKnown {
  icao24: string;
  callsign: string | null;
  ts: number;
  lat: number;
  lon: number;
  alt_m: number | null;
  speed_ms: number | null;
  track_deg: number | null;
  vrate_ms: number | null;
  on_ground: boolean;
  squawk: string | null;
}

export interface EventDetail {
  event: AnomalyEvent;
  /** Where the trail and the last known state came from. */
  source: 'postgis' | 'memory';
  /** The aircraft is on the live board now. */
  on_board: boolean;
  /** The newest state known of the aircraft (null: none kept). */
  last: LastKnown | null;
  trail: { from: number; to: number; points: TrailPoint[] };
  /** signal_lost: other aircraft seen within radius_m of where it went silent, during the silence. */
  nearby: { radius_m: number; from: number; to: number; count: number; icao24s: string[] } | null;
}

export type PlaybackInfo =
  | {
      available: true;
      tick_hz: number;
      min_speed: number;
      max_speed: number;
      max_span_ms: number;
      stale_after_ms: number;
    }
  | { available: false; reason: string };

export interface PlaybackStatus {
  type: 'playback';
  from: number;
  to: number;
  at: number;
  speed: number;
  paused: boolean;
  ended: boolean;
}
