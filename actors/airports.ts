import { readFileSync } from 'node:fs';
import { around } from 'geokdbush';
import KDBush from 'kdbush';
import { parseAirports } from '../fixtures/airports.ts';
import { fastDistM, haversineM } from './geo.ts';

/** What the detectors need of an airport. Elevation null (unknown) counts as sea level. */
export interface AirportRef {
  ident: string;
  lat: number;
  lon: number;
  elevationM: number | null;
}

/** Reference elevation of an airport (sea level when unknown or when there is no airport). */
export const elevationOf = (a: AirportRef | null): number => a?.elevationM ?? 0;

/**
 * Nearest-airport lookups over a kd-tree (kdbush + geokdbush great-circle kNN), built once per
 * process and shared read-only by every actor.
 */
export class AirportIndex {
  readonly airports: readonly AirportRef[];
  private readonly index: KDBush;

  constructor(airports: readonly AirportRef[]) {
    this.airports = airports;
    this.index = new KDBush(Math.max(1, airports.length));
    for (const a of airports) this.index.add(a.lon, a.lat);
    if (airports.length === 0) this.index.add(0, 0); // kdbush needs one point; never returned (see ids)
    this.index.finish();
  }

  static fromGeoJSON(text: string): AirportIndex {
    return new AirportIndex(parseAirports(text));
  }

  static load(path: string): AirportIndex {
    return AirportIndex.fromGeoJSON(readFileSync(path, 'utf8'));
  }

  /** Up to `k` airports within `maxDistM`, nearest first, with their distances. */
  nearest(
    lat: number,
    lon: number,
    k: number,
    maxDistM: number,
  ): Array<{ airport: AirportRef; distM: number }> {
    if (this.airports.length === 0) return [];
    return around(this.index, lon, lat, k, maxDistM / 1000).map((id) => {
      const airport = this.airports[id];
      return { airport, distM: haversineM(lat, lon, airport.lat, airport.lon) };
    });
  }
}

/** Searches this far beyond the radius that matters, so "none within it" stays true for a while. */
const SEARCH_MARGIN_M = 25_000;

/**
 * Per-aircraft cache of the nearest airport within `radiusM`. A kNN query (k = 2) also tells how
 * far the aircraft may move before the answer can change: the nearest stays nearest while it has
 * moved less than half the gap to the runner-up, and nothing can come within the radius while it
 * has moved less than the nearest's distance beyond it. So most updates cost one distance, not a
 * tree search, and the answer is still exact.
 */
export class NearestAirportCache {
  airport: AirportRef | null = null;
  /** Distance to `airport` at the last `at()` (NaN when none within the radius). */
  distM = Number.NaN;
  private candidate: AirportRef | null = null;
  private qLat = 0;
  private qLon = 0;
  private validM = -1;

  constructor(
    private readonly index: AirportIndex,
    private readonly radiusM: number,
  ) {}

  /** Updates `airport` and `distM` for a position. */
  at(lat: number, lon: number): void {
    if (this.validM < 0 || fastDistM(this.qLat, this.qLon, lat, lon) >= this.validM) this.query(lat, lon);
    const c = this.candidate;
    if (c === null) {
      this.airport = null;
      this.distM = Number.NaN;
      return;
    }
    const d = haversineM(lat, lon, c.lat, c.lon);
    if (d <= this.radiusM) {
      this.airport = c;
      this.distM = d;
    } else {
      this.airport = null;
      this.distM = Number.NaN;
    }
  }

  private query(lat: number, lon: number): void {
    const searchM = this.radiusM + SEARCH_MARGIN_M;
    const hits = this.index.nearest(lat, lon, 2, searchM);
    this.qLat = lat;
    this.qLon = lon;
    // fastDistM may differ from the great circle by a fraction of a percent: keep 1% in hand.
    if (hits.length === 0) {
      this.candidate = null;
      this.validM = SEARCH_MARGIN_M * 0.99;
    } else {
      const d1 = hits[0].distM;
      const d2 = hits.length > 1 ? hits[1].distM : searchM;
      this.candidate = hits[0].airport;
      this.validM = 0.99 * Math.max((d2 - d1) / 2, d1 - this.radiusM);
    }
  }
}
