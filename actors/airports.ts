import { readFileSync } from 'node:fs';
import { around } from 'geokdbush';
import KDBush from 'kdbush';
import { parseAirports } from '../fixtures/airports.ts';
import { DEG, fastDistM, haversineM, M_PER_DEG } from './geo.ts';
import { defineSlots, type SlotArray, type Slotted, slotArray } from './slots.ts';

/** Small leaves: fewer points scanned per query (5,000 airports, so the tree stays tiny). */
const NODE_SIZE = 16;
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
export interface NearestTwo {
  first: number;
  firstM: number;
  second: number;
  secondM: number;
}

export class AirportIndex {
  readonly airports: readonly AirportRef[];
  /** The highest reference elevation of any airport (0 when none is higher than sea level). */
  readonly maxElevationM: number;
  private readonly index: KDBush;

  constructor(airports: readonly AirportRef[]) {
    this.airports = airports;
    let maxElevationM = 0;
    for (const a of airports) maxElevationM = Math.max(maxElevationM, elevationOf(a));
    this.maxElevationM = maxElevationM;
    this.index = new KDBush(Math.max(1, airports.length), NODE_SIZE);
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

  /**
   * The nearest and second-nearest airport within `maxDistM` (-1 when none), and their distances,
   * written into `out` (no allocation but kdbush's id array). A bounding-box range query on the
   * kd-tree, then great-circle distances for the few candidates: cheaper than a kNN search with
   * its priority queue, and this runs whenever an aircraft has moved far enough to need it.
   */
  nearestTwo(lat: number, lon: number, maxDistM: number, out: NearestTwo): void {
    out.first = -1;
    out.second = -1;
    out.firstM = Number.POSITIVE_INFINITY;
    out.secondM = Number.POSITIVE_INFINITY;
    if (this.airports.length === 0) return;
    // Bounding box of a spherical cap: all longitudes when it reaches a pole, else
    // asin(sin(r) / cos(lat)) either side (the widest point of the cap is not at its centre latitude).
    const dLat = maxDistM / M_PER_DEG;
    const dLon =
      Math.abs(lat) + dLat >= 90
        ? 180
        : Math.min(180, Math.asin(Math.min(1, Math.sin(dLat * DEG) / Math.cos(lat * DEG))) / DEG);
    const ids = this.index.range(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
    // Near the antimeridian the box wraps: search the other side too.
    const extra =
      lon - dLon < -180
        ? this.index.range(lon - dLon + 360, lat - dLat, 180, lat + dLat)
        : lon + dLon > 180
          ? this.index.range(-180, lat - dLat, lon + dLon - 360, lat + dLat)
          : null;
    this.consider(ids, lat, lon, maxDistM, out);
    if (extra) this.consider(extra, lat, lon, maxDistM, out);
  }

  private consider(ids: number[], lat: number, lon: number, maxDistM: number, out: NearestTwo): void {
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      const a = this.airports[id];
      const d = haversineM(lat, lon, a.lat, a.lon);
      if (d > maxDistM) continue;
      if (d < out.firstM) {
        out.second = out.first;
        out.secondM = out.firstM;
        out.first = id;
        out.firstM = d;
      } else if (d < out.secondM) {
        out.second = id;
        out.secondM = d;
      }
    }
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

const SHARED_HIT: NearestTwo = { first: -1, firstM: 0, second: -1, secondM: 0 };

/** Searches this far beyond the radius that matters, so "none within it" stays true for a while. */
const SEARCH_MARGIN_M = 25_000;

/**
 * Per-aircraft cache of the nearest airport within `radiusM`. A kNN query (k = 2) also tells how
 * far the aircraft may move before the answer can change: the nearest stays nearest while it has
 * moved less than half the gap to the runner-up, and nothing can come within the radius while it
 * has moved less than the nearest's distance beyond it. So most updates cost one distance, not a
 * tree search, and the answer is still exact.
 */
export class NearestAirportCache implements Slotted {
  static readonly SLOTS: number;
  airport: AirportRef | null = null;
  /** Distance to `airport` at the last `at()` (NaN when none within the radius). */
  declare distM: number;
  private candidate: AirportRef | null = null;
  declare private qLat: number;
  declare private qLon: number;
  declare private validM: number;
  private readonly hit: NearestTwo;

  constructor(
    private readonly index: AirportIndex,
    private readonly radiusM: number,
    readonly s: SlotArray = slotArray(NearestAirportCache.SLOTS),
    readonly b = 0,
    /** Scratch for queries; one per process is enough (queries are synchronous). */
    hit: NearestTwo = SHARED_HIT,
  ) {
    this.distM = Number.NaN;
    this.validM = -1;
    this.hit = hit;
  }

  /** The highest reference elevation of any airport in the index. */
  get maxElevationM(): number {
    return this.index.maxElevationM;
  }

  /** Updates `airport` and `distM` for a position. */
  at(lat: number, lon: number): void {
    if (this.validM < 0 || fastDistM(this.qLat, this.qLon, lat, lon) >= this.validM) this.query(lat, lon);
    const c = this.candidate;
    if (c === null) {
      this.airport = null;
      this.distM = Number.NaN;
      return;
    }
    // The cheap distance first: most aircraft are nowhere near the radius (1% covers its error).
    const d =
      fastDistM(lat, lon, c.lat, c.lon) > this.radiusM * 1.01
        ? Number.POSITIVE_INFINITY
        : haversineM(lat, lon, c.lat, c.lon);
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
    const hit = this.hit;
    this.index.nearestTwo(lat, lon, searchM, hit);
    this.qLat = lat;
    this.qLon = lon;
    // fastDistM may differ from the great circle by a fraction of a percent: keep 1% in hand.
    if (hit.first < 0) {
      this.candidate = null;
      this.validM = SEARCH_MARGIN_M * 0.99;
    } else {
      const d2 = hit.second >= 0 ? hit.secondM : searchM;
      this.candidate = this.index.airports[hit.first];
      this.validM = 0.99 * Math.max((d2 - hit.firstM) / 2, hit.firstM - this.radiusM);
    }
  }
}

(NearestAirportCache as unknown as { SLOTS: number }).SLOTS = defineSlots(NearestAirportCache, [
  'distM',
  'qLat',
  'qLon',
  'validM',
]);
