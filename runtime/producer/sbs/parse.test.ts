import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sbsClock } from './clock.ts';
import { formatSbsLine } from './format.ts';
import { sbsMessageArb } from './message-arb.ts';
import { parseSbsLine, SbsLineSplitter } from './parse.ts';

const utc = sbsClock('UTC');
const line = (type: number, fields: Partial<Record<number, string>>, hex = '4CA2D6'): string => {
  const f = [
    'MSG',
    String(type),
    '111',
    '11111',
    hex,
    '111111',
    '2024/07/06',
    '06:43:09.525',
    '2024/07/06',
    '06:43:09.530',
  ];
  for (let i = 10; i < 22; i++) f.push(fields[i] ?? '');
  return f.join(',');
};

describe('parseSbsLine', () => {
  it('reads an airborne position (dump1090 layout) with the generated time in the given zone', () => {
    const r = parseSbsLine(
      line(3, { 11: '37000', 14: '51.45735', 15: '-1.02826', 18: '0', 19: '0', 20: '0', 21: '0' }),
      utc,
    );
    expect(r).toEqual({
      kind: 'msg',
      msg: {
        type: 3,
        icao24: '4ca2d6',
        tsMs: Date.UTC(2024, 6, 6, 6, 43, 9, 525),
        callsign: null,
        altFt: 37000,
        groundSpeedKt: null,
        trackDeg: null,
        lat: 51.45735,
        lon: -1.02826,
        vrateFtMin: null,
        squawk: null,
        emergency: false,
        spi: false,
        onGround: false,
      },
    });
  });

  it('reads identification, velocity and surveillance identity fields', () => {
    const id = parseSbsLine(line(1, { 10: 'EZY85MH ' }), utc);
    expect(id.kind === 'msg' && id.msg.callsign).toBe('EZY85MH');
    const vel = parseSbsLine(line(4, { 12: '424', 13: '286', 16: '-1024' }), utc);
    expect(vel.kind === 'msg' && [vel.msg.groundSpeedKt, vel.msg.trackDeg, vel.msg.vrateFtMin]).toEqual([
      424, 286, -1024,
    ]);
    const sq = parseSbsLine(line(6, { 11: '12000', 17: '7700', 18: '-1', 19: '-1', 20: '0', 21: '-1' }), utc);
    expect(sq.kind === 'msg' && [sq.msg.squawk, sq.msg.emergency, sq.msg.onGround]).toEqual([
      '7700',
      true,
      true,
    ]);
  });

  it('ignores the other record types and non-ICAO addresses, and names what is malformed', () => {
    expect(parseSbsLine('AIR,,333,1,4CA2D6,,2024/07/06,06:43:09.525,2024/07/06,06:43:09.525', utc)).toEqual({
      kind: 'ignored',
      reason: 'AIR',
    });
    expect(parseSbsLine(line(3, {}, '~4CA2D6'), utc).kind).toBe('ignored');
    const bad = (l: string) => {
      const r = parseSbsLine(l, utc);
      return r.kind === 'malformed' ? r.reason : r.kind;
    };
    expect(bad('hello')).toBe('not an SBS record');
    expect(bad('MSG,3,1,1,4CA2D6')).toBe('5 fields, expected 22');
    expect(bad(line(9, {}))).toBe('transmission type 9');
    expect(bad(line(3, {}, 'XYZ123'))).toBe('hex ident "XYZ123"');
    expect(bad(line(3, {}).replace('2024/07/06', '06/07/2024'))).toBe('generated date/time');
    expect(bad(line(3, { 11: 'high' }))).toBe('altitude is not a number');
    expect(bad(line(3, { 14: '51.4' }))).toBe('lat without lon');
    expect(bad(line(3, { 14: '91', 15: '0' }))).toBe('position out of range');
    expect(bad(line(6, { 17: '7A00' }))).toBe('squawk "7A00"');
    expect(bad(line(3, { 21: 'yes' }))).toBe('flag not -1/0');
  });

  it('never throws, whatever the line (property)', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', '-1', '0', '7700', '1e999', 'NaN'),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 30 }), fc.boolean(), (fields, asMsg) => {
        const l = (asMsg ? ['MSG', ...fields] : fields).join(',');
        const r = parseSbsLine(l, utc);
        expect(['msg', 'ignored', 'malformed']).toContain(r.kind);
        if (r.kind === 'msg') {
          expect(r.msg.icao24).toMatch(/^[0-9a-f]{6}$/);
          expect(Number.isInteger(r.msg.tsMs)).toBe(true);
          for (const v of [
            r.msg.altFt,
            r.msg.lat,
            r.msg.lon,
            r.msg.groundSpeedKt,
            r.msg.trackDeg,
            r.msg.vrateFtMin,
          ])
            expect(v === null || Number.isFinite(v)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('SbsLineSplitter', () => {
  it('gives back the same lines however the stream is cut (property), CRLF or LF', () => {
    const lineArb = fc.stringMatching(/^[A-Z0-9,.:/ -]{1,60}$/);
    fc.assert(
      fc.property(
        fc.array(lineArb, { maxLength: 20 }),
        fc.array(fc.nat(2000)),
        fc.boolean(),
        (lines, cuts, crlf) => {
          const text = lines.map((l) => `${l}${crlf ? '\r\n' : '\n'}`).join('');
          const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const s = new SbsLineSplitter();
          const out: string[] = [];
          let prev = 0;
          for (const c of [...at, text.length]) {
            s.push(
              text.slice(prev, c),
              (l) => out.push(l),
              () => out.push('OVERLONG'),
            );
            prev = c;
          }
          expect(out).toEqual(lines);
        },
      ),
    );
  });

  it('skips an over-long line once, whole, and goes on with the next one', () => {
    const s = new SbsLineSplitter(16);
    const out: string[] = [];
    const push = (c: string) =>
      s.push(
        c,
        (l) => out.push(l),
        () => out.push('OVERLONG'),
      );
    push('x'.repeat(10));
    push('y'.repeat(10));
    push('z'.repeat(50));
    push('\nMSG,1\n');
    expect(out).toEqual(['OVERLONG', 'MSG,1']);
  });
});

describe('formatSbsLine', () => {
  it('parseSbsLine reads back what it wrote (property)', () => {
    const arb = sbsMessageArb({
      icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
      tsMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    });
    fc.assert(
      fc.property(arb, (msg) => {
        expect(parseSbsLine(formatSbsLine(msg), utc)).toEqual({ kind: 'msg', msg });
      }),
      { numRuns: 2000 },
    );
  });
});
