import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFlightEnvelope } from '../../contract/validate.ts';
import { M_PER_FT, MS_PER_FPM, MS_PER_KT } from '../units.ts';
import { SbsMerger } from './merge.ts';
import { sbsMessageArb } from './message-arb.ts';
import type { SbsMessage } from './parse.ts';

const T0 = Date.UTC(2024, 6, 6, 6, 43, 9);
const msg = (type: SbsMessage['type'], tsMs: number, over: Partial<SbsMessage> = {}): SbsMessage => ({
  type,
  icao24: '4ca2d6',
  tsMs,
  callsign: null,
  altFt: null,
  groundSpeedKt: null,
  trackDeg: null,
  lat: null,
  lon: null,
  vrateFtMin: null,
  squawk: null,
  emergency: null,
  spi: null,
  onGround: null,
  ...over,
});
const pos = (tsMs: number, over: Partial<SbsMessage> = {}) =>
  msg(3, tsMs, { lat: 51.5, lon: -1, altFt: 37000, onGround: false, ...over });

describe('SbsMerger', () => {
  it('publishes a position with the identification, velocity and squawk merged in, in SI units', () => {
    const m = new SbsMerger();
    expect(m.apply(msg(1, T0, { callsign: 'EZY85MH' }))).toEqual({ kind: 'merged' });
    expect(m.apply(msg(4, T0 + 100, { groundSpeedKt: 424, trackDeg: 286, vrateFtMin: -1024 })).kind).toBe(
      'merged',
    );
    expect(m.apply(msg(6, T0 + 200, { squawk: '7700', altFt: 36975 })).kind).toBe('merged');
    const r = m.apply(pos(T0 + 300));
    expect(r).toEqual({
      kind: 'position',
      envelope: {
        v: 1,
        icao24: '4ca2d6',
        callsign: 'EZY85MH',
        origin_country: null,
        ts: T0 + 300,
        last_contact: T0 + 300,
        lat: 51.5,
        lon: -1,
        baro_alt_m: 37000 * M_PER_FT,
        geo_alt_m: null,
        speed_ms: 424 * MS_PER_KT,
        track_deg: 286,
        vrate_ms: -1024 * MS_PER_FPM,
        on_ground: false,
        squawk: '7700',
        spi: false,
        pos_source: 0,
        category: null,
        source: 'sbs',
      },
    });
  });

  it('sends only positions newer than the last one published for the aircraft', () => {
    const m = new SbsMerger();
    expect(m.apply(pos(T0 + 1000)).kind).toBe('position');
    expect(m.apply(pos(T0 + 1000)).kind).toBe('not_newer');
    expect(m.apply(pos(T0 + 500)).kind).toBe('not_newer');
    expect(m.apply(pos(T0 + 1001)).kind).toBe('position');
    expect(m.apply(pos(T0 + 500, { icao24: 'abcdef' })).kind).toBe('position'); // another aircraft
  });

  it('a surface position is on the ground with its own speed and no altitude; stale fields are dropped', () => {
    const m = new SbsMerger({ fieldMaxAgeMs: 30_000 });
    m.apply(msg(4, T0, { groundSpeedKt: 150, trackDeg: 90, vrateFtMin: 0 }));
    m.apply(msg(6, T0, { squawk: '1000' }));
    const g = m.apply(msg(2, T0 + 1000, { lat: 49, lon: 2.5, groundSpeedKt: 12, trackDeg: 270 }));
    expect(g.kind === 'position' && g.envelope).toMatchObject({
      on_ground: true,
      baro_alt_m: null,
      speed_ms: 12 * MS_PER_KT,
      track_deg: 270,
      squawk: '1000',
    });
    const late = m.apply(pos(T0 + 60_000, { altFt: null }));
    expect(late.kind === 'position' && late.envelope).toMatchObject({
      speed_ms: null,
      track_deg: null,
      squawk: null,
      baro_alt_m: null,
      on_ground: false,
    });
  });

  it('an older message does not undo a newer field, and the ground flag of type 5-8 carries over', () => {
    const m = new SbsMerger();
    m.apply(msg(6, T0 + 2000, { squawk: '7700' }));
    m.apply(msg(6, T0 + 1000, { squawk: '1200' })); // late arrival
    m.apply(msg(8, T0 + 2000, { onGround: true }));
    const r = m.apply(pos(T0 + 3000, { onGround: null, altFt: 0 }));
    expect(r.kind === 'position' && [r.envelope.squawk, r.envelope.on_ground]).toEqual(['7700', true]);
  });

  it('a fix the contract rejects is reported invalid, not published', () => {
    const m = new SbsMerger();
    const r = m.apply(pos(T0, { altFt: 200_000 }));
    expect(r.kind).toBe('invalid');
    expect(m.apply(pos(T0 + 1, { altFt: 1000 })).kind).toBe('position');
  });

  it('forgets aircraft silent for longer than the idle time (bounded memory)', () => {
    const m = new SbsMerger();
    m.apply(pos(T0));
    m.apply(pos(T0 + 500_000, { icao24: 'abcdef' }));
    expect(m.prune(T0 + 700_000, 600_000)).toBe(1);
    expect(m.size).toBe(1);
  });

  it('for any message order: every envelope is valid and ts strictly increases per aircraft (property)', () => {
    const msgArb = sbsMessageArb({
      icao24: fc.constantFrom('4ca2d6', 'abcdef', '000001'),
      tsMs: fc.integer({ min: T0, max: T0 + 120_000 }),
    });
    fc.assert(
      fc.property(fc.array(msgArb, { maxLength: 80 }), (msgs) => {
        const m = new SbsMerger();
        const last = new Map<string, number>();
        for (const x of msgs) {
          const r = m.apply(x);
          if (r.kind !== 'position') continue;
          expect(isFlightEnvelope(r.envelope)).toBe(true);
          expect(r.envelope.ts).toBeGreaterThan(last.get(r.envelope.icao24) ?? Number.NEGATIVE_INFINITY);
          last.set(r.envelope.icao24, r.envelope.ts);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
