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

/**
 * The raw values of an accepted fix that a HistoryRow copies: a FlightEnvelope has them all (and
 * so does a HistoryRow). Optional fields that are absent count as null.
 */
export interface HistoryFix {
  readonly icao24: string;
  readonly ts: number;
  readonly lat: number;
  readonly lon: number;
  readonly baro_alt_m?: number | null;
  readonly geo_alt_m?: number | null;
  readonly speed_ms?: number | null;
  readonly track_deg?: number | null;
  readonly vrate_ms?: number | null;
  readonly on_ground: boolean;
  readonly squawk?: string | null;
}

/** Slots of the smoothed values handed to `HistorySink.writeFix` (NaN stands for null). */
export const SMOOTH_LAT = 0;
export const SMOOTH_LON = 1;
export const SMOOTH_ALT_M = 2;

/** The HistoryRow that `writeFix(fix, callsign, smooth)` stands for, as a plain object. */
export function historyRowOf(fix: HistoryFix, callsign: string | null, smooth: Float64Array): HistoryRow {
  const altM = smooth[SMOOTH_ALT_M];
  return {
    icao24: fix.icao24,
    callsign,
    ts: fix.ts,
    lat: fix.lat,
    lon: fix.lon,
    baro_alt_m: fix.baro_alt_m ?? null,
    geo_alt_m: fix.geo_alt_m ?? null,
    speed_ms: fix.speed_ms ?? null,
    track_deg: fix.track_deg ?? null,
    vrate_ms: fix.vrate_ms ?? null,
    on_ground: fix.on_ground,
    squawk: fix.squawk ?? null,
    smooth_lat: smooth[SMOOTH_LAT],
    smooth_lon: smooth[SMOOTH_LON],
    smooth_alt_m: Number.isNaN(altM) ? null : altM,
  };
}

export interface HistorySink {
  /** Buffers one row. Returns false when the buffer is over its limit: the caller should pause input. */
  write(row: HistoryRow): boolean;
  /**
   * Buffers the row `historyRowOf(fix, callsign, smooth)` without the caller building it (the
   * actors' per-update path): the sink keeps it in whatever form it stores rows. `fix` may be
   * kept as it is (the caller must not change it afterwards); `smooth` ([smooth_lat, smooth_lon,
   * smooth_alt_m], NaN for null) is read during the call only (the caller reuses it).
   * Returns as write() does.
   */
  writeFix(fix: HistoryFix, callsign: string | null, smooth: Float64Array): boolean;
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

/** An aircraft whose latest Track is built when asked for. */
export interface TrackSource {
  readonly icao24: string;
  /** Its Track now. */
  track(): Track;
  /**
   * Kept by the board the source is handed to (0 at first): it notes there that the source waits
   * for its next tick, so a change costs the board no lookup (`nextBoardMark` gives each tick of
   * each board its own number).
   */
  boardMark: number;
}

let boardMarks = 0;
/** A board tick's mark for `TrackSource.boardMark`, never given before (by any board). */
export function nextBoardMark(): number {
  return ++boardMarks;
}

export interface TrackBoardPort {
  upsert(track: Track): void;
  /**
   * The aircraft changed: as upsert(source.track()), but the board builds the Track when it
   * needs it (at its next tick or read), so many updates between two ticks cost one Track.
   * `source.track()` answers with the aircraft's latest state whenever it is asked.
   */
  changed(source: TrackSource): void;
  remove(icao24: string): void;
}

/** Sinks that drop everything: for `detect`, benchmarks and tests that need no output. */
export const nullHistorySink: HistorySink = {
  write: () => true,
  writeFix: () => true,
  durable: async () => {},
  drained: async () => {},
  close: async () => {},
};
export const nullAnomalySink: AnomalySink = { emit: () => {}, durable: async () => {} };
export const nullTrackBoard: TrackBoardPort = { upsert: () => {}, changed: () => {}, remove: () => {} };
