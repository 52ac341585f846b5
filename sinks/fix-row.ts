import {
  type HistoryFix,
  type HistoryRow,
  SMOOTH_ALT_M,
  SMOOTH_LAT,
  SMOOTH_LON,
} from '../runtime/contract/index.ts';

/**
 * The HistoryRow of `historyRowOf(fix, callsign, smooth)`, over the fix it came from: the raw
 * values are read from the fix (the envelope, kept as it is until the batch is written) rather
 * than copied, so a row costs one small object with the callsign and the three smoothed values
 * (~70 bytes) instead of a plain row's fifteen fields, each double in a box of its own (~290
 * bytes). The sink keeps every row until its batch commits, long enough to be promoted out of
 * V8's young generation: the difference is paid again by the old generation's collector.
 */
export class FixRow implements HistoryRow {
  readonly smooth_lat: number;
  readonly smooth_lon: number;
  readonly smooth_alt_m: number | null;

  constructor(
    private readonly fix: HistoryFix,
    readonly callsign: string | null,
    smooth: Float64Array,
  ) {
    this.smooth_lat = smooth[SMOOTH_LAT];
    this.smooth_lon = smooth[SMOOTH_LON];
    const altM = smooth[SMOOTH_ALT_M];
    this.smooth_alt_m = Number.isNaN(altM) ? null : altM;
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
