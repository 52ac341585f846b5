import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHistoryBinary, HISTORY_COLUMNS } from '../../sinks/copy-binary.ts';
import { historyRow } from '../../sinks/history-fixtures.ts';
import type { HistoryRow } from '../contract/index.ts';
import { CopyBinaryError, CopyBinaryReader } from './copy-binary-reader.ts';

const FIELDS = HISTORY_COLUMNS.length;
const col = (name: (typeof HISTORY_COLUMNS)[number]) => HISTORY_COLUMNS.indexOf(name);

/** Reads rows back from the binary COPY the sink writes, fed in the given chunk sizes. */
function readBack(bytes: Buffer, cuts: number[]) {
  const r = new CopyBinaryReader(FIELDS);
  const out: Partial<HistoryRow>[] = [];
  const hex: number[] = [];
  const same: boolean[] = [];
  const onRow = (buf: Buffer) => {
    out.push({
      icao24: r.text(buf, col('icao24')) as string,
      ts: r.timestampMs(col('ts')),
      callsign: r.text(buf, col('callsign')),
      baro_alt_m: r.float(col('baro_alt_m')),
      on_ground: r.bool(col('on_ground')),
      squawk: r.text(buf, col('squawk')),
      smooth_lat: r.float8(col('smooth_lat')),
      smooth_lon: r.float8(col('smooth_lon')),
    });
    hex.push(r.hex24(buf, col('icao24')));
    same.push(r.sameAscii(buf, col('squawk'), out.at(-1)?.squawk ?? null));
  };
  let o = 0;
  for (const c of cuts) {
    if (o >= bytes.length) break;
    r.push(bytes.subarray(o, o + c), onRow);
    o += c;
  }
  if (o < bytes.length) r.push(bytes.subarray(o), onRow);
  r.end();
  return { out, hex, same };
}

describe('CopyBinaryReader', () => {
  it('reads back what the sink encodes, whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
            ts: fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
            callsign: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
            baro_alt_m: fc.option(fc.integer({ min: -500, max: 20_000 }), { nil: null }),
            on_ground: fc.boolean(),
            squawk: fc.option(fc.stringMatching(/^[0-7]{4}$/), { nil: null }),
            smooth_lat: fc.double({ min: -90, max: 90, noNaN: true }),
            smooth_lon: fc.double({ min: -180, max: 180, noNaN: true }),
          }),
          { maxLength: 30 },
        ),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 40 }),
        (raw, cuts) => {
          const rows = raw.map((x) => historyRow(x));
          const bytes = encodeHistoryBinary(rows, 0, rows.length, { header: true, trailer: true });
          const { out, hex, same } = readBack(bytes, cuts);
          expect(out).toEqual(
            rows.map((x) => ({
              icao24: x.icao24,
              ts: x.ts,
              callsign: x.callsign,
              baro_alt_m: x.baro_alt_m,
              on_ground: x.on_ground,
              squawk: x.squawk,
              smooth_lat: x.smooth_lat,
              smooth_lon: x.smooth_lon,
            })),
          );
          expect(hex).toEqual(rows.map((x) => Number.parseInt(x.icao24, 16) + 6 * 16_777_216));
          expect(same.every(Boolean)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tells hex ids apart by length, refuses what is not hex, and compares text without a string', () => {
    const rows = [
      historyRow({ icao24: 'a' }),
      historyRow({ icao24: '00000a' }),
      historyRow({ icao24: 'zz12' }),
    ];
    const bytes = encodeHistoryBinary(rows, 0, 3, { header: true, trailer: true });
    const { hex } = readBack(bytes, [bytes.length]);
    expect(hex[0]).not.toBe(hex[1]);
    expect(hex[2]).toBe(-1);
    const r = new CopyBinaryReader(FIELDS);
    const seen: boolean[] = [];
    r.push(bytes, (buf) => {
      seen.push(r.sameAscii(buf, col('callsign'), 'DAL123'), r.sameAscii(buf, col('callsign'), 'DAL12'));
    });
    expect(seen).toEqual([true, false, true, false, true, false]);
  });

  it('says when the data is not a binary COPY, has rows of another width, or stops half-way', () => {
    const rows = [historyRow()];
    const bytes = encodeHistoryBinary(rows, 0, 1, { header: true, trailer: true });
    expect(() => new CopyBinaryReader(FIELDS).push(Buffer.from('not a copy at all, no'), () => {})).toThrow(
      CopyBinaryError,
    );
    expect(() => new CopyBinaryReader(3).push(bytes, () => {})).toThrow(/14 fields, expected 3/);
    const r = new CopyBinaryReader(FIELDS);
    r.push(bytes.subarray(0, bytes.length - 5), () => {});
    expect(() => r.end()).toThrow(/middle/);
  });
});
