import type { AnomalyEvent } from './anomaly.ts';
import type { Track } from './track.ts';

/**
 * Ports: what the actors write to. The actors know nothing of Kafka, PostGIS or sockets;
 * runtime/ wires these to the real sinks (or to in-memory collectors in tests and `detect`).
 */

/** One accepted update as it lands in flights_history (contract section 9): raw + smoothed values. */
export interface HistoryRow {
  icao24: string;
  callsign: string | null;
  ts: number; // ms epoch of the fix
  lat: number;
  lon: number;
  baro_alt_m: number | null;
  geo_alt_m: number | null;
  speed_ms: number | null;
  track_deg: number | null;
  vrate_ms: number | null;
  on_ground: boolean;
  squawk: string | null;
  smooth_lat: number;
  smooth_lon: number;
  smooth_alt_m: number | null;
}

export interface HistorySink {
  /** Buffers one row. Returns false when the buffer is over its limit: the caller should pause input. */
  write(row: HistoryRow): boolean;
  /** Resolves once every row written before this call is committed (or rejects on a fatal error). */
  durable(): Promise<void>;
  /** Resolves when the buffer is back under its limit. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export interface AnomalySink {
  emit(event: AnomalyEvent): void;
  /** Resolves once every event emitted before this call is acknowledged downstream. */
  durable(): Promise<void>;
}

export interface TrackBoardPort {
  upsert(track: Track): void;
  remove(icao24: string): void;
}

/** Sinks that drop everything: for `detect`, benchmarks and tests that need no output. */
export const nullHistorySink: HistorySink = {
  write: () => true,
  durable: async () => {},
  drained: async () => {},
  close: async () => {},
};
export const nullAnomalySink: AnomalySink = { emit: () => {}, durable: async () => {} };
export const nullTrackBoard: TrackBoardPort = { upsert: () => {}, remove: () => {} };
