/** One trail point: [ts ms, lat, lon, alt_m] (contract section 7, GET /flights/{icao24}). */
export type TrailPoint = [tsMs: number, lat: number, lon: number, altM: number | null];

export interface TrailLimits {
  maxPoints: number;
  maxAgeMs: number;
  /** A point closer than this to the previous one is not kept (1 Hz feeds would fill the trail in 2 min). */
  minSpacingMs: number;
}

export const DEFAULT_TRAIL: TrailLimits = {
  maxPoints: 120,
  maxAgeMs: 600_000, // ten minutes
  minSpacingMs: 5_000, // 120 points x 5 s = the ten minutes
};

/**
 * A bounded trail in one fixed Float64Array ring per aircraft: no per-point allocation, so
 * 10,000 aircraft x 120 points cost ~38 MB of flat memory and nothing for the GC to trace.
 * Age is measured from the newest point's ts, so a replay at 10x keeps its own timeline.
 */
export class Trail {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(private readonly limits: TrailLimits = DEFAULT_TRAIL) {
    this.data = new Float64Array(limits.maxPoints * 4);
  }

  get length(): number {
    return this.count;
  }

  /** Adds a point when it is at least minSpacingMs newer than the last one. */
  push(tsMs: number, lat: number, lon: number, altM: number | null): void {
    const cap = this.limits.maxPoints;
    if (this.count > 0 && tsMs < this.tsAt(this.count - 1) + Math.max(1, this.limits.minSpacingMs)) return;
    const slot = ((this.start + this.count) % cap) * 4;
    if (this.count === cap) this.start = (this.start + 1) % cap;
    else this.count += 1;
    this.data[slot] = tsMs;
    this.data[slot + 1] = lat;
    this.data[slot + 2] = lon;
    this.data[slot + 3] = altM ?? Number.NaN;
    const oldestMs = tsMs - this.limits.maxAgeMs;
    while (this.count > 1 && this.tsAt(0) < oldestMs) {
      this.start = (this.start + 1) % cap;
      this.count -= 1;
    }
  }

  points(): TrailPoint[] {
    const out: TrailPoint[] = [];
    for (let i = 0; i < this.count; i++) {
      const j = ((this.start + i) % this.limits.maxPoints) * 4;
      const alt = this.data[j + 3];
      out.push([this.data[j], this.data[j + 1], this.data[j + 2], Number.isNaN(alt) ? null : alt]);
    }
    return out;
  }

  private tsAt(i: number): number {
    return this.data[((this.start + i) % this.limits.maxPoints) * 4];
  }
}
