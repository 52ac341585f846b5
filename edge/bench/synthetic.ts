import type { Track, TrackBoardPort } from '../../runtime/contract/index.ts';
import type { BBox } from '../bbox.ts';

/**
 * A synthetic world for the edge benchmark: N aircraft spread evenly over a 5 x 4 grid of
 * regions (each region holds 5% of them), every aircraft updated once a second.
 */
export const REGION_COLS = 5;
export const REGION_ROWS = 4;
const LON0 = -180;
const LAT0 = -60;
const REGION_W = 360 / REGION_COLS;
const REGION_H = 120 / REGION_ROWS;

export function regionBox(i: number): BBox {
  const c = i % REGION_COLS;
  const r = Math.floor(i / REGION_COLS) % REGION_ROWS;
  return [LON0 + c * REGION_W, LAT0 + r * REGION_H, LON0 + (c + 1) * REGION_W, LAT0 + (r + 1) * REGION_H];
}

interface Plane {
  icao24: string;
  callsign: string;
  lon: number;
  lat: number;
  headingDeg: number;
  altM: number;
  speedMs: number;
}

export class SyntheticFeed {
  private readonly planes: Plane[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  updates = 0;

  constructor(
    private readonly board: TrackBoardPort,
    count: number,
  ) {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const regions = REGION_COLS * REGION_ROWS;
    for (let i = 0; i < count; i++) {
      const [w, s, e, n] = regionBox(i % regions);
      this.planes.push({
        icao24: (0x400000 + i).toString(16),
        callsign: `SYN${i % 10000}`.padEnd(7, '0'),
        lon: w + 0.5 + rand() * (e - w - 1),
        lat: s + 0.5 + rand() * (n - s - 1),
        headingDeg: rand() * 360,
        altM: 3000 + rand() * 9000,
        speedMs: 150 + rand() * 100,
      });
    }
  }

  /** Updates `count / 10` aircraft every 100 ms, so each one once a second. */
  start(): void {
    this.timer = setInterval(() => this.step(), 100);
  }

  step(): void {
    const perStep = Math.ceil(this.planes.length / 10);
    const nowMs = Date.now();
    for (let k = 0; k < perStep; k++) {
      const p = this.planes[this.next];
      this.next = (this.next + 1) % this.planes.length;
      // Wander a little inside the region (tenths of a degree), so boxes stay at ~5%.
      p.headingDeg = (p.headingDeg + 7) % 360;
      const rad = (p.headingDeg * Math.PI) / 180;
      p.lon += Math.sin(rad) * 0.002;
      p.lat += Math.cos(rad) * 0.002;
      this.board.upsert(this.track(p, nowMs));
      this.updates += 1;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private track(p: Plane, tsMs: number): Track {
    return {
      icao24: p.icao24,
      callsign: p.callsign,
      lat: p.lat,
      lon: p.lon,
      alt_m: p.altM,
      speed_ms: p.speedMs,
      track_deg: p.headingDeg,
      vrate_ms: 0,
      on_ground: false,
      squawk: '2000',
      ts: tsMs,
      anomalies: [],
    };
  }
}
