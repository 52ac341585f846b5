import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HistoryFix, type HistoryRow, historyRowOf } from '../runtime/contract/index.ts';
import { encodeHistoryBinary } from './copy-binary.ts';
import { FixRow } from './fix-row.ts';

const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
/** A value that may be given, null, or absent (an envelope's optional fields). */
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(fc.option(a, { nil: null }), { nil: undefined });
const fixArb = fc
  .record({
    icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
    ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    baro_alt_m: maybe(num),
    geo_alt_m: maybe(num),
    speed_ms: maybe(num),
    track_deg: maybe(num),
    vrate_ms: maybe(num),
    on_ground: fc.boolean(),
    squawk: maybe(fc.stringMatching(/^[0-7]{4}$/)),
  })
  .map(
    (f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as unknown as HistoryFix,
  );
const smoothArb = fc.tuple(num, num, fc.option(num, { nil: Number.NaN })).map((xs) => Float64Array.from(xs));

describe('FixRow', () => {
  it('is field for field the row historyRowOf builds, and encodes to the same COPY bytes', () => {
    fc.assert(
      fc.property(fixArb, fc.option(fc.string({ maxLength: 8 }), { nil: null }), smoothArb, (fix, cs, sm) => {
        const plain = historyRowOf(fix, cs, sm);
        const row = new FixRow(fix, cs, Float64Array.from(sm));
        sm.fill(7); // the caller reuses its scratch: the row must not depend on it
        for (const k of Object.keys(plain) as (keyof HistoryRow)[]) expect(row[k], k).toStrictEqual(plain[k]);
        const opts = { header: true, trailer: true };
        expect(encodeHistoryBinary([row], 0, 1, opts)).toEqual(encodeHistoryBinary([plain], 0, 1, opts));
      }),
    );
  });

  it("keeps every row's smoothed values across the shared chunks (10,000 rows, one scratch)", () => {
    const smooth = new Float64Array(3);
    const rows: FixRow[] = [];
    const fix = { icao24: 'abcdef', ts: 0, lat: 0, lon: 0, on_ground: false };
    for (let i = 0; i < 10_000; i++) {
      smooth.set([i / 7, -i / 3, i % 5 === 0 ? Number.NaN : i]);
      rows.push(new FixRow(fix, null, smooth));
    }
    rows.forEach((r, i) => {
      expect([r.smooth_lat, r.smooth_lon, r.smooth_alt_m]).toEqual([i / 7, -i / 3, i % 5 === 0 ? null : i]);
    });
  });
});
