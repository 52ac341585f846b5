import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFlightEnvelope } from '../../contract/validate.ts';
import { aircraftToEnvelope, asAircraftJson, categoryNumber, convertAircraftJson } from './aircraft-json.ts';
import { readsbAircraft } from './test-aircraft-server.ts';

const NOW_S = 1_767_268_800;

describe('aircraft.json to FlightEnvelope', () => {
  it('maps emitter categories to the contract numbers', () => {
    expect(['A0', 'A1', 'A3', 'A7', 'B1', 'B7', 'C1', 'C5', 'C7', 'D1', 'A', 3].map(categoryNumber)).toEqual([
      1,
      2,
      4,
      8,
      9,
      15,
      16,
      20,
      null,
      null,
      null,
      null,
    ]);
  });

  it('dates the fix at now - seen_pos, "ground" is on the ground, MLAT is pos_source 2', () => {
    const r = aircraftToEnvelope(
      readsbAircraft('A0B1C2', { alt_baro: 'ground', type: 'mlat', seen_pos: 2.5 }),
      NOW_S,
    );
    expect(r.ok && r.envelope).toMatchObject({
      icao24: 'a0b1c2',
      ts: NOW_S * 1000 - 2500,
      on_ground: true,
      baro_alt_m: null,
      pos_source: 2,
    });
  });

  it('skips an aircraft whose position did not change, and forgets aircraft no longer listed', () => {
    const last = new Map();
    const body = (now: number, aircraft: unknown[]) => ({ now, aircraft });
    expect(convertAircraftJson(body(NOW_S, [readsbAircraft('a0b1c2')]), last).envelopes).toHaveLength(1);
    const again = convertAircraftJson(body(NOW_S + 1, [readsbAircraft('a0b1c2', { seen_pos: 1.3 })]), last);
    expect([again.envelopes.length, again.skipped.unchanged]).toEqual([0, 1]);
    convertAircraftJson(body(NOW_S + 2, []), last);
    expect(last.size).toBe(0);
  });

  it('says what is wrong with a snapshot that is not one', () => {
    expect(asAircraftJson([])).toBe('"now" is not a number');
    expect(asAircraftJson({ now: 1 })).toBe('"aircraft" is not an array');
    expect(asAircraftJson(null)).toBe('not a JSON object');
  });

  it('never throws and only ever yields valid envelopes, whatever the fields (property)', () => {
    const anyValue = fc.oneof(
      fc.double(),
      fc.string({ maxLength: 10 }),
      fc.constant(null),
      fc.boolean(),
      fc.constant('ground'),
    );
    const aircraftArb = fc.record(
      {
        hex: fc.oneof(fc.stringMatching(/^~?[0-9a-fA-F]{6}$/), fc.string({ maxLength: 8 })),
        lat: fc.oneof(fc.double({ min: -100, max: 100 }), anyValue),
        lon: fc.oneof(fc.double({ min: -200, max: 200 }), anyValue),
        seen_pos: fc.oneof(fc.double({ min: -5, max: 100 }), anyValue),
        alt_baro: anyValue,
        alt_geom: anyValue,
        gs: anyValue,
        track: anyValue,
        baro_rate: anyValue,
        squawk: anyValue,
        category: anyValue,
        flight: anyValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(aircraftArb, fc.double({ min: 0, max: 2e9, noNaN: true }), (a, now) => {
        const r = aircraftToEnvelope(a, now);
        if (r.ok) expect(isFlightEnvelope(r.envelope)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
