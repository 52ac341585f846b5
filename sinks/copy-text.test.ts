import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryRow } from '../runtime/contract/index.ts';
import {
  copyEscape,
  encodeHistoryRows,
  ewkbPointHex,
  HISTORY_COLUMNS,
  historyLine,
  isoTs,
} from './copy-text.ts';

// A COPY text reader, as PostgreSQL reads it: fields split on tab, \N is null, backslash escapes.
function copyUnescape(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c);
}
function splitLine(line: string): (string | null)[] {
  // A tab inside a field is always escaped, so a raw tab is always a separator.
  return line.split('\t').map(copyUnescape);
}
function decodeEwkbPoint(hex: string) {
  const b = Buffer.from(hex, 'hex');
  return {
    order: b[0],
    type: b.readUInt32LE(1),
    srid: b.readUInt32LE(5),
    lon: b.readDoubleLE(9),
    lat: b.readDoubleLE(17),
  };
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const rowArb: fc.Arbitrary<HistoryRow> = fc.record({
  icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
  callsign: nullable(
    fc.string({ maxLength: 8, unit: fc.constantFrom('A', 'Z', '1', ' ', '\\', '\t', '\n', '\r', '\0', 'é') }),
  ),
  ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
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

describe('historyLine', () => {
  it('round-trips every field through COPY text decoding', () => {
    fc.assert(
      fc.property(rowArb, (r) => {
        const line = historyLine(r);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.slice(0, -1)).not.toMatch(/[\n\r]/);
        const f = splitLine(line.slice(0, -1));
        expect(f).toHaveLength(HISTORY_COLUMNS.length);
        const col = (name: (typeof HISTORY_COLUMNS)[number]) => f[HISTORY_COLUMNS.indexOf(name)];
        expect(col('icao24')).toBe(r.icao24);
        expect(new Date(col('ts')!).getTime()).toBe(r.ts);
        const g = decodeEwkbPoint(col('geom')!);
        expect(g).toStrictEqual({ order: 1, type: 0x20000001, srid: 4326, lon: r.lon, lat: r.lat });
        expect(col('callsign')).toBe(r.callsign === null ? null : r.callsign.replaceAll('\0', ''));
        const n = (name: (typeof HISTORY_COLUMNS)[number]) => (col(name) === null ? null : Number(col(name)));
        // String(-0) is '0'; PostgreSQL stores the same value for both, so compare with -0 as 0.
        const z = (x: number | null) => (x === null ? null : x + 0);
        expect(n('baro_alt_m')).toBe(z(r.baro_alt_m));
        expect(n('geo_alt_m')).toBe(z(r.geo_alt_m));
        expect(n('speed_ms')).toBe(z(r.speed_ms));
        expect(n('track_deg')).toBe(z(r.track_deg));
        expect(n('vrate_ms')).toBe(z(r.vrate_ms));
        expect(col('on_ground')).toBe(r.on_ground ? 't' : 'f');
        expect(col('squawk')).toBe(r.squawk);
        expect(n('smooth_lat')).toBe(z(r.smooth_lat));
        expect(n('smooth_lon')).toBe(z(r.smooth_lon));
        expect(n('smooth_alt_m')).toBe(z(r.smooth_alt_m));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes a batch as the concatenation of its lines', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 20 }), fc.nat(20), (rows, cut) => {
        const start = Math.min(cut, rows.length);
        expect(encodeHistoryRows(rows, start)).toBe(rows.slice(start).map(historyLine).join(''));
      }),
    );
  });
});

describe('isoTs', () => {
  it('equals Date#toISOString for any ms epoch, including minute and year boundaries', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 253_402_300_799_999 + 1_000_000 }), (ms) => {
        expect(isoTs(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2_000 },
    );
    for (const ms of [0, 59_999, 60_000, 1_732_700_000_000, 1_735_689_599_999, 1_735_689_600_000]) {
      expect(isoTs(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('copyEscape', () => {
  it('leaves ordinary text alone and escapes what COPY would misread', () => {
    expect(copyEscape('DAL123')).toBe('DAL123');
    expect(copyEscape('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyEscape('A\0B')).toBe('AB'); // PostgreSQL text cannot hold NUL
  });
});

describe('ewkbPointHex', () => {
  it('is little-endian EWKB Point with SRID 4326', () => {
    expect(ewkbPointHex(1, 2)).toBe(`0101000020e6100000${'000000000000f03f'}${'0000000000000040'}`);
  });
});
