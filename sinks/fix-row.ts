import {
  type HistoryFix,
  type HistoryRow,
  SMOOTH_ALT_M,
  SMOOTH_LAT,
  SMOOTH_LON,
} from '../runtime/contract/index.ts';

/** Rows per chunk of smoothed values (3 doubles each): 96 KiB, shared by that many rows. */
const CHUNK_ROWS = 4096;
let chunk = new Float64Array(3 * CHUNK_ROWS);
let used = 0;

/**
 * The HistoryRow of `historyRowOf(fix, callsign, smooth)`, over the fix it came from: the raw
 * values are read from the fix (the envelope, kept as it is until the batch is written) rather
 * than copied, and the three smoothed values sit in a Float64Array chunk shared by thousands of
 * rows (a double in an object field is a heap number of its own). So a row is one 28-byte object
 * instead of a plain row's fifteen fields and their boxed doubles (~290 bytes). The sink keeps
 * every row until its batch commits, long enough to be promoted out of V8's young generation:
 * the difference is paid again by the old generation's collector.
 */
export class FixRow implements HistoryRow {
  private readonly col: Float64Array;
  private readonly at: number;

  constructor(
    private readonly fix: HistoryFix,
    readonly callsign: string | null,
    smooth: Float64Array,
  ) {
    if (used === CHUNK_ROWS) {
      chunk = new Float64Array(3 * CHUNK_ROWS);
      used = 0;
    }
    const at = 3 * used++;
    chunk[at] = smooth[SMOOTH_LAT];
    chunk[at + 1] = smooth[SMOOTH_LON];
    chunk[at + 2] = smooth[SMOOTH_ALT_M];
    this.col = chunk;
    this.at = at;
  }

  get smooth_lat(): number {
    return this.col[this.at];
  }
  get smooth_lon(): number {
    return this.col[this.at + 1];
  }
  get smooth_alt_m(): number | null {
    const altM = this.col[this.at + 2];
    return Number.isNaN(altM) ? null : altM;
  }
  get icao24(): string {
    return this.fix.icao24;
  }
  get ts(): number {
    return this.fix.ts;
  }
  get lat(): number {
    return this.fix.lat;
  }
  get lon(): number {
    return this.fix.lon;
  }
  get baro_alt_m(): number | null {
    return this.fix.baro_alt_m ?? null;
  }
  get geo_alt_m(): number | null {
    return this.fix.geo_alt_m ?? null;
  }
  get speed_ms(): number | null {
    return this.fix.speed_ms ?? null;
  }
  get track_deg(): number | null {
    return this.fix.track_deg ?? null;
  }
  get vrate_ms(): number | null {
    return this.fix.vrate_ms ?? null;
  }
  get on_ground(): boolean {
    return this.fix.on_ground;
  }
  get squawk(): string | null {
    return this.fix.squawk ?? null;
  }
}
