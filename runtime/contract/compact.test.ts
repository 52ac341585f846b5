import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactDecodeError,
  CompactDecoder,
  compactRow,
  decodeRow,
  F_ALT,
  F_ANOMALIES,
  F_COUNTRY,
  F_FULL,
  F_LAT,
  F_LON,
  F_TS,
  fixed,
  fullRow,
  LATLON_SCALE,
  TENTHS_SCALE,
} from './compact.ts';
import type { Track } from './index.ts';
import { sampleTrack as makeTrack } from './sample.ts';
import { trackArb } from './track-arb.ts';
import { normalizeTrack, trackJson } from './track-json.ts';

const FIELDS = [
  'callsign',
  'lat',
  'lon',
  'alt_m',
  'speed_ms',
  'track_deg',
  'vrate_ms',
  'on_ground',
  'squawk',
  'ts',
  'anomalies',
  'origin_country',
] as const;

/** What a JSON client holds for a board Track: the contract's JSON, parsed. */
const viaJson = (t: Track): Track => JSON.parse(trackJson(t));
const norm = (t: Track): Track => normalizeTrack(t, [...t.anomalies]);

/** A previous Track and a next one for the same aircraft that changes a random subset of fields. */
const changeArb = fc
  .tuple(trackArb, trackArb, fc.array(fc.boolean(), { minLength: FIELDS.length, maxLength: FIELDS.length }))
  .map(([a, b, pick]) => {
    const prev = norm(a);
    const next: Record<string, unknown> = { ...prev };
    FIELDS.forEach((f, i) => {
      if (!pick[i]) return;
      if (b[f] === undefined) delete next[f];
      else next[f] = b[f];
    });
    return { prev, cur: norm(next as Track) };
  });

const popcount = (x: number) => x.toString(2).replace(/0/g, '').length;

describe('compact rows', () => {
  it('a patch row applied to what the client holds gives the JSON encoding of the new Track (property)', () => {
    fc.assert(
      fc.property(changeArb, fc.integer({ min: 0, max: 2e12 }), ({ prev, cur }, baseMs) => {
        const row = JSON.parse(compactRow(prev, cur, baseMs));
        expect(decodeRow(row, viaJson(prev), baseMs)).toEqual(viaJson(cur));
      }),
      { numRuns: 3000 },
    );
  });

  it('a full row decodes to the JSON encoding of the Track, without any prior state (property)', () => {
    fc.assert(
      fc.property(trackArb, fc.integer({ min: 0, max: 2e12 }), (t, baseMs) => {
        const n = norm(t);
        const row = JSON.parse(fullRow(n, baseMs));
        expect(row[1] & F_FULL).toBe(F_FULL);
        const decoded = decodeRow(row, undefined, baseMs);
        expect(decoded).toEqual(viaJson(n));
        expect(Object.keys(decoded)).toEqual(Object.keys(viaJson(n))); // the contract's order
      }),
      { numRuns: 3000 },
    );
  });

  it('a patch row carries exactly the fields that changed (property)', () => {
    fc.assert(
      fc.property(changeArb, ({ prev, cur }) => {
        const row = JSON.parse(compactRow(prev, cur, 0));
        if (prev.origin_country !== undefined && cur.origin_country === undefined) {
          expect(row[1] & F_FULL).toBe(F_FULL); // a field cannot be dropped by a patch
          return;
        }
        const changed = FIELDS.filter(
          (f) =>
            f === 'anomalies'
              ? JSON.stringify(prev.anomalies) !== JSON.stringify(cur.anomalies)
              : cur[f] !== undefined && cur[f] !== prev[f], // NaN counts as changed: harmless, sent as null
        );
        expect(popcount(row[1])).toBe(changed.length);
        expect(row).toHaveLength(2 + changed.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('an aircraft that moved: position and ts only, ts as an offset from the frame ts', () => {
    const prev = norm(makeTrack('a0b1c2', { lat: 40.12345, lon: -73.5, ts: 1_700_000_000_000 }));
    const cur = norm({ ...prev, lat: 40.12545, lon: -73.49876, ts: 1_700_000_000_900 });
    const row = compactRow(prev, cur, 1_700_000_001_000);
    expect(row).toBe(`["a0b1c2",${F_LAT | F_LON | F_TS},4012545,-7349876,-100]`);
    expect(JSON.parse(compactRow(cur, { ...cur, alt_m: null }, 0))).toEqual(['a0b1c2', F_ALT, null]);
    expect(JSON.parse(compactRow(cur, { ...cur, anomalies: ['go_around'] }, 0))).toEqual([
      'a0b1c2',
      F_ANOMALIES,
      ['go_around'],
    ]);
    expect(JSON.parse(compactRow(cur, { ...cur, origin_country: 'US' }, 0))).toEqual([
      'a0b1c2',
      F_COUNTRY,
      'US',
    ]);
    expect(JSON.parse(compactRow(cur, cur, 0))).toEqual(['a0b1c2', 0]);
    expect(trackJson(cur).length).toBeGreaterThan(3 * row.length);
  });

  it('fixed point: scaled integers that give back the same double, else a decimal string', () => {
    expect(fixed(40.12345, LATLON_SCALE)).toBe('4012345');
    expect(fixed(-0.1, TENTHS_SCALE)).toBe('-1');
    expect(fixed(-0, LATLON_SCALE)).toBe('0');
    expect(fixed(1e300, TENTHS_SCALE)).toBe('"1e+300"');
    expect(fixed(0.123456789, LATLON_SCALE)).toBe('"0.123456789"'); // not the contract's rounding
    expect(fixed(Number.NaN, 1)).toBe('null');
    expect(fixed(null, 1)).toBe('null');
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (x) => {
        const v = Math.round(x * LATLON_SCALE) / LATLON_SCALE;
        const text = fixed(v, LATLON_SCALE);
        expect(text.startsWith('"')).toBe(false);
        expect(Number(text) / LATLON_SCALE).toBe(v === 0 ? 0 : v);
      }),
      { numRuns: 5000 },
    );
  });

  it('a patch for an aircraft the client does not hold, or a malformed row, is an error (resync)', () => {
    expect(() => decodeRow(['a0b1c2', F_LAT, 1], undefined, 0)).toThrow(CompactDecodeError);
    expect(() => decodeRow(['a0b1c2', F_FULL | F_LAT, 1], undefined, 0)).toThrow(CompactDecodeError);
    expect(() => decodeRow({ icao24: 'a0b1c2' }, undefined, 0)).toThrow(CompactDecodeError);
    const held = norm(makeTrack('a0b1c2'));
    expect(() => decodeRow(['a0b1c2', F_LAT, 1, 2], held, 0)).toThrow(CompactDecodeError);
  });

  it('CompactDecoder: a snapshot replaces what is held, deltas patch, upsert and remove', () => {
    const d = new CompactDecoder();
    const a = norm(makeTrack('a00001', { ts: 100 }));
    const b = norm(makeTrack('a00002', { ts: 100 }));
    d.snapshot(1000, [JSON.parse(fullRow(a, 1000)), JSON.parse(fullRow(b, 1000))]);
    const a2 = { ...a, lat: 41, ts: 300 };
    const c = norm(makeTrack('a00003', { ts: 250 }));
    const ups = d.delta(
      2000,
      [JSON.parse(compactRow(a, a2, 2000)), JSON.parse(fullRow(c, 2000))],
      ['a00002'],
    );
    expect(ups).toEqual([a2, c]);
    expect(d.flights).toEqual(
      new Map([
        ['a00001', a2],
        ['a00003', c],
      ]),
    );
    d.snapshot(3000, []);
    expect(d.flights.size).toBe(0);
  });
});
