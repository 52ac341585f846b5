import type { BBox } from '../runtime/contract/index.ts';

/**
 * Bounding boxes `[w, s, e, n]` in degrees. `w > e` means the box crosses the antimeridian
 * (a globe viewport over the Pacific), so `[170, -10, -170, 10]` is 20 degrees wide.
 */
export type { BBox };

export type BBoxCheck = { ok: true; bbox: BBox } | { ok: false; error: string };

/** Checks a 4-number box; the reason names what is wrong. */
export function checkBbox(parts: readonly unknown[]): BBoxCheck {
  if (parts.length !== 4) return { ok: false, error: 'bbox needs 4 numbers: w,s,e,n' };
  if (!parts.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    return { ok: false, error: 'bbox values must be finite numbers' };
  }
  const [w, s, e, n] = parts as BBox;
  if (w < -180 || w > 180 || e < -180 || e > 180) {
    return { ok: false, error: 'bbox longitudes must be in [-180, 180]' };
  }
  if (s < -90 || s > 90 || n < -90 || n > 90) {
    return { ok: false, error: 'bbox latitudes must be in [-90, 90]' };
  }
  if (s >= n) return { ok: false, error: 'bbox south must be below north' };
  if (w === e) return { ok: false, error: 'bbox west and east must differ' };
  return { ok: true, bbox: [w, s, e, n] };
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Parses the `bbox=w,s,e,n` query value. */
export function parseBboxParam(raw: string): BBoxCheck {
  if (raw.length > 100) return { ok: false, error: 'bbox too long' };
  const parts = raw.split(',');
  if (parts.length !== 4) return { ok: false, error: 'bbox needs 4 numbers: w,s,e,n' };
  if (!parts.every((p) => NUMBER.test(p.trim()))) {
    return { ok: false, error: 'bbox values must be finite numbers' };
  }
  return checkBbox(parts.map(Number));
}

export function bboxContains(b: BBox, lon: number, lat: number): boolean {
  const [w, s, e, n] = b;
  if (lat < s || lat > n) return false;
  return w <= e ? lon >= w && lon <= e : lon >= w || lon <= e;
}

/** A stable key per distinct box: subscribers of the same box share one group and one topic. */
export function bboxKey(b: BBox | null): string {
  return b === null ? 'world' : b.join(',');
}

/** Tiles index subscription boxes so each moved aircraft is tested only against nearby boxes. */
export const TILE_DEG = 10;
const TILE_COLS = 360 / TILE_DEG;
const TILE_ROWS = 180 / TILE_DEG;

const col = (lon: number): number => Math.min(TILE_COLS - 1, Math.max(0, Math.floor((lon + 180) / TILE_DEG)));
const row = (lat: number): number => Math.min(TILE_ROWS - 1, Math.max(0, Math.floor((lat + 90) / TILE_DEG)));

export function tileOf(lon: number, lat: number): number {
  return row(lat) * TILE_COLS + col(lon);
}

/** Every tile a box touches (both sides of the antimeridian when it crosses it). */
export function tilesOf(b: BBox | null): number[] {
  const [w, s, e, n] = b ?? [-180, -90, 180, 90];
  const colRanges: [number, number][] =
    w <= e
      ? [[col(w), col(e)]]
      : [
          [col(w), TILE_COLS - 1],
          [0, col(e)],
        ];
  const out: number[] = [];
  for (let r = row(s); r <= row(n); r++) {
    for (const [c0, c1] of colRanges) for (let c = c0; c <= c1; c++) out.push(r * TILE_COLS + c);
  }
  return out;
}
