import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import type { TrailPoint } from '../core/profile.ts';

/** GET /anomalies/{id} (docs/edge.md, "Event cards"). */
export interface EventDetail {
  event: AnomalyEvent;
  source: 'postgis' | 'memory';
  on_board: boolean;
  last: {
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
  } | null;
  trail: { from: number; to: number; points: TrailPoint[] };
  nearby: { radius_m: number; from: number; to: number; count: number; icao24s: string[] } | null;
}

/** GET /playback. */
export type PlaybackInfo =
  | { available: true; tick_hz: number; min_speed: number; max_speed: number; max_span_ms: number }
  | { available: false; reason: string };

/** The /ws/playback status frame. */
export interface PlaybackStatusFrame {
  type: 'playback';
  from: number;
  to: number;
  at: number;
  speed: number;
  paused: boolean;
  ended: boolean;
}
