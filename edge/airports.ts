import { readFile } from 'node:fs/promises';
import type { BBox } from '../runtime/contract/index.ts';
import { bboxContains } from './bbox.ts';

interface PointFeature {
  geometry?: { type?: string; coordinates?: unknown };
}

/** Airports as served by GET /airports: each feature serialized once, filtered per request. */
export class AirportIndex {
  private constructor(private readonly features: { lon: number; lat: number; json: string }[]) {}

  static fromGeoJson(text: string): AirportIndex {
    const fc = JSON.parse(text) as { type?: string; features?: PointFeature[] };
    if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      throw new Error('airports file is not a GeoJSON FeatureCollection');
    }
    const out: { lon: number; lat: number; json: string }[] = [];
    for (const f of fc.features) {
      const c = f.geometry?.coordinates;
      if (
        f.geometry?.type !== 'Point' ||
        !Array.isArray(c) ||
        typeof c[0] !== 'number' ||
        typeof c[1] !== 'number'
      ) {
        continue;
      }
      out.push({ lon: c[0], lat: c[1], json: JSON.stringify(f) });
    }
    return new AirportIndex(out);
  }

  static async load(path: string): Promise<AirportIndex> {
    return AirportIndex.fromGeoJson(await readFile(path, 'utf8'));
  }

  get size(): number {
    return this.features.length;
  }

  /** A GeoJSON FeatureCollection (as text) of the airports in the box, or all of them. */
  collection(bbox: BBox | null): string {
    const parts: string[] = [];
    for (const f of this.features) if (bbox === null || bboxContains(bbox, f.lon, f.lat)) parts.push(f.json);
    return `{"type":"FeatureCollection","features":[${parts.join(',')}]}`;
  }
}
