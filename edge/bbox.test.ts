import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bboxContains, bboxKey, checkBbox, parseBboxParam, TILE_DEG, tileOf, tilesOf } from './bbox.ts';

describe('parseBboxParam', () => {
  it('accepts a plain box and a box across the antimeridian', () => {
    expect(parseBboxParam('-74.5,40,-73,41.2')).toEqual({ ok: true, bbox: [-74.5, 40, -73, 41.2] });
    expect(parseBboxParam('170,-10,-170,10')).toEqual({ ok: true, bbox: [170, -10, -170, 10] });
  });

  it.each([
    ['', 'needs 4 numbers'],
    ['1,2,3', 'needs 4 numbers'],
    ['1,2,3,4,5', 'needs 4 numbers'],
    ['a,2,3,4', 'finite numbers'],
    ['1,2,3,NaN', 'finite numbers'],
    ['1,2,3,Infinity', 'finite numbers'],
    ['0x10,2,3,4', 'finite numbers'],
    ['-181,0,10,10', 'longitudes'],
    ['0,-91,10,10', 'latitudes'],
    ['0,10,10,10', 'south must be below north'],
    ['0,20,10,10', 'south must be below north'],
    ['5,0,5,10', 'west and east must differ'],
    [`${'1'.repeat(120)},0,1,1`, 'too long'],
  ])('rejects %j with a reason', (raw, reason) => {
    const r = parseBboxParam(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });

  it('rejects non-numbers in a JSON box', () => {
    expect(checkBbox([0, 0, '1', 1]).ok).toBe(false);
    expect(checkBbox([0, 0, 1]).ok).toBe(false);
  });
});

describe('bboxContains', () => {
  it('handles edges and the antimeridian', () => {
    expect(bboxContains([-10, -10, 10, 10], 10, 10)).toBe(true);
    expect(bboxContains([-10, -10, 10, 10], 10.00001, 0)).toBe(false);
    expect(bboxContains([170, -10, -170, 10], 179.9, 0)).toBe(true);
    expect(bboxContains([170, -10, -170, 10], -175, 0)).toBe(true);
    expect(bboxContains([170, -10, -170, 10], 0, 0)).toBe(false);
  });

  it('a box key is stable per box', () => {
    expect(bboxKey(null)).toBe('world');
    expect(bboxKey([1, 2, 3, 4])).toBe(bboxKey([1, 2, 3, 4]));
  });
});

const lon = fc.double({ min: -180, max: 180, noNaN: true });
const lat = fc.double({ min: -90, max: 90, noNaN: true });

describe('tiles', () => {
  it('every point in a box lies in one of the box tiles (property)', () => {
    fc.assert(
      fc.property(lon, lon, lat, lat, lon, lat, (a, b, c, d, x, y) => {
        fc.pre(a !== b && c !== d);
        const box = [a, Math.min(c, d), b, Math.max(c, d)] as [number, number, number, number];
        if (!bboxContains(box, x, y)) return true;
        return tilesOf(box).includes(tileOf(x, y));
      }),
      { numRuns: 2000 },
    );
  });

  it('the world has every tile once', () => {
    const all = tilesOf(null);
    expect(new Set(all).size).toBe((360 / TILE_DEG) * (180 / TILE_DEG));
    expect(tileOf(180, 90)).toBe(all.length - 1);
  });
});
