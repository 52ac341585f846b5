import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../runtime/contract/index.ts';
import { encodeHistoryBinary, ewkbPointHex, HISTORY_COLUMNS } from './copy-binary.ts';

// A reader of PostgreSQL's binary COPY format, written from the documentation, as the server reads it.
function decode(buf: Buffer) {
  expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  expect(buf.readInt32BE(11)).toBe(0);
  let o = 19 + buf.readInt32BE(15);
  const tuples: (Buffer | null)[][] = [];
  for (;;) {
    const n = buf.readInt16BE(o);
    o += 2;
    if (n === -1) break;
    const fields: (Buffer | null)[] = [];
    for (let f = 0; f < n; f++) {
      const len = buf.readInt32BE(o);
      o += 4;
      fields.push(len === -1 ? null : buf.subarray(o, o + len));
      if (len > 0) o += len;
    }
    tuples.push(fields);
  }
  expect(o).toBe(buf.length);
  return tuples;
}
const PG_EPOCH_MS = 946_684_800_000;
const tsOf = (b: Buffer) => Number(b.readBigInt64BE(0) / 1000n) + PG_EPOCH_MS;
const f4 = (b: Buffer | null) => (b === null ? null : b.readFloatBE(0));
const str = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 });
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const rowArb: fc.Arbitrary<HistoryRow> = fc.record({
  icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
  callsign: nullable(
    fc.string({ maxLength: 8, unit: fc.constantFrom('A', 'Z', '1', ' ', '\\', '\t', '\n', '\0', 'é', '✈') }),
  ),
  ts: fc.integer({ min: -2_000_000_000_000, max: 4_102_444_800_000 }),
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  baro_alt_m: nullable(finite),
  geo_alt_m: nullable(finite),
  speed_ms: nullable(finite),
  track_deg: nullable(finite),
  vrate_ms: nullable(finite),
  on_ground: fc.boolean(),
  squawk: nullable(fc.stringMatching(/^[0-7]{4}$/)),
  smooth_lat: fc.double({ min: -90, max: 90, noNaN: true }),
  smooth_lon: fc.double({ min: -180, max: 180, noNaN: true }),
  smooth_alt_m: nullable(finite),
});

function expectRow(fields: (Buffer | null)[], r: HistoryRow) {
  expect(fields).toHaveLength(HISTORY_COLUMNS.length);
  const col = (name: (typeof HISTORY_COLUMNS)[number]) => fields[HISTORY_COLUMNS.indexOf(name)];
  expect(str(col('icao24'))).toBe(r.icao24);
  expect(tsOf(col('ts')!)).toBe(r.ts);
  const g = col('geom')!;
  expect(g).toHaveLength(25);
  expect([g[0], g.readUInt32LE(1), g.readUInt32LE(5)]).toEqual([1, 0x20000001, 4326]);
  expect([g.readDoubleLE(9), g.readDoubleLE(17)]).toStrictEqual([r.lon, r.lat]);
  expect(str(col('callsign'))).toBe(r.callsign);
  for (const k of ['baro_alt_m', 'geo_alt_m', 'speed_ms', 'track_deg', 'vrate_ms', 'smooth_alt_m'] as const) {
    expect(f4(col(k))).toBe(r[k] === null ? null : Math.fround(r[k]));
  }
  expect(col('on_ground')).toEqual(Buffer.from([r.on_ground ? 1 : 0]));
  expect(str(col('squawk'))).toBe(r.squawk);
  expect(col('smooth_lat')!.readDoubleBE(0)).toBe(r.smooth_lat);
  expect(col('smooth_lon')!.readDoubleBE(0)).toBe(r.smooth_lon);
}

describe('encodeHistoryBinary', () => {
  it('round-trips every field of every row through a binary COPY reader', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), (rows) => {
        const tuples = decode(encodeHistoryBinary(rows, 0, rows.length, { header: true, trailer: true }));
        expect(tuples).toHaveLength(rows.length);
        for (const [i, t] of tuples.entries()) expectRow(t, rows[i]);
      }),
      { numRuns: 300 },
    );
  });

  it('splits into chunks that concatenate to one stream (header first, trailer last)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 20 }), fc.nat(), (rows, cutSeed) => {
        const cut = cutSeed % (rows.length + 1);
        const a = encodeHistoryBinary(rows, 0, cut, { header: true, trailer: false });
        const b = encodeHistoryBinary(rows, cut, rows.length, { header: false, trailer: true });
        expect(Buffer.concat([a, b])).toEqual(
          encodeHistoryBinary(rows, 0, rows.length, { header: true, trailer: true }),
        );
      }),
    );
  });

  it('encodes no rows as an empty but valid stream', () => {
    expect(decode(encodeHistoryBinary([], 0, 0, { header: true, trailer: true }))).toEqual([]);
  });
});

describe('ewkbPointHex', () => {
  it('is little-endian EWKB Point with SRID 4326', () => {
    expect(ewkbPointHex(1, 2)).toBe('0101000020e6100000000000000000f03f0000000000000040');
  });
});
