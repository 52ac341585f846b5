import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anomalyId } from './anomaly.ts';
import { dlqRecord } from './dlq.ts';
import { SAMPLE_ENVELOPE } from './sample.ts';
import {
  isFlightEnvelope,
  parseEnvelope,
  validateAnomaly,
  validateEnvelope,
  validateTrack,
} from './validate.ts';

const valid = SAMPLE_ENVELOPE;

const reasonFor = (patch: Record<string, unknown>) => {
  const r = validateEnvelope({ ...valid, ...patch });
  return r.ok ? null : r.reason;
};
const reasonWithout = (field: string) => {
  const copy: Record<string, unknown> = { ...valid };
  delete copy[field];
  const r = validateEnvelope(copy);
  return r.ok ? null : r.reason;
};

describe('FlightEnvelope validation: one bad value per contract rule', () => {
  it('accepts a complete valid envelope and a minimal one', () => {
    expect(validateEnvelope(valid)).toEqual({ ok: true, value: valid });
    const minimal = { v: 1, icao24: 'abcdef', ts: 946_684_800_000, lat: 0, lon: 0, on_ground: true };
    expect(isFlightEnvelope(minimal)).toBe(true);
  });

  it('ignores unknown fields', () => {
    expect(isFlightEnvelope({ ...valid, something_new: [1, 2, 3] })).toBe(true);
  });

  it('v: required, other values unsupported', () => {
    expect(reasonWithout('v')).toMatch(/^unsupported_version/);
    expect(reasonFor({ v: 2 })).toMatch(/^unsupported_version/);
    expect(reasonFor({ v: '1' })).toMatch(/^unsupported_version/);
  });

  it.each([
    ['upper case', 'A0B1C2'],
    ['too short', 'a0b1c'],
    ['too long', 'a0b1c2d'],
    ['non-hex', 'a0b1g2'],
    ['number', 123456],
  ])('icao24: %s is rejected', (_why, icao24) => {
    expect(reasonFor({ icao24 })).toMatch(/^icao24:/);
  });
  it('icao24: required', () => expect(reasonWithout('icao24')).toMatch(/^icao24:/));

  it('callsign: at most 8 chars, trimmed, string or null', () => {
    expect(reasonFor({ callsign: 'ABCDEFGHI' })).toMatch(/^callsign:/);
    expect(reasonFor({ callsign: 'DAL123 ' })).toMatch(/^callsign:/);
    expect(reasonFor({ callsign: ' DAL123' })).toMatch(/^callsign:/);
    expect(reasonFor({ callsign: 42 })).toMatch(/^callsign:/);
    expect(reasonFor({ callsign: null })).toBeNull();
  });
  it.each([
    ['NUL', 'DAL\u0000123'],
    ['a control character', 'DAL\u0007'],
    ['DEL', 'DAL\u007f1'],
    ['a C1 control', 'DAL\u009b1'],
    ['a right-to-left override', '\u202eDAL123'],
    ['a bidi isolate', 'DAL\u20661'],
    ['a zero-width space', 'DAL\u200b123'],
    ['a zero-width joiner', 'DA\u200dL'],
    ['a byte-order mark', '\ufeffDAL'],
    ['a lone high surrogate', 'DAL\ud800'],
    ['a lone low surrogate', 'D\udc00AL'],
  ])('callsign and origin_country: %s is rejected', (_why, text) => {
    expect(reasonFor({ callsign: text })).toMatch(/^callsign:/);
    expect(reasonFor({ origin_country: `Land ${text}` })).toMatch(/^origin_country:/);
  });
  it('text: ordinary letters, accents and an astral character (a surrogate pair) pass', () => {
    expect(reasonFor({ callsign: 'N123AB' })).toBeNull();
    expect(reasonFor({ callsign: 'A B' })).toBeNull();
    expect(reasonFor({ origin_country: "Côte d'Ivoire" })).toBeNull();
    expect(reasonFor({ origin_country: 'Land \u{1F6EB}' })).toBeNull();
  });

  it('origin_country: string or null', () => {
    expect(reasonFor({ origin_country: 7 })).toMatch(/^origin_country:/);
    expect(reasonFor({ origin_country: null })).toBeNull();
  });

  it('ts: required integer ms epoch', () => {
    expect(reasonWithout('ts')).toMatch(/^ts:/);
    expect(reasonFor({ ts: 1.5 })).toMatch(/^ts:/);
    expect(reasonFor({ ts: '1732700000000' })).toMatch(/^ts:/);
    expect(reasonFor({ ts: -1 })).toMatch(/^ts:/);
  });
  it.each([
    ['1e20', 1e20],
    ['year 10000', Date.UTC(10_000, 0, 1)],
    ['2100-01-01', Date.UTC(2100, 0, 1)],
    ['1999-12-31', Date.UTC(1999, 11, 31)],
    ['0', 0],
  ])('ts: %s is outside [2000, 2100)', (_why, ts) => {
    expect(reasonFor({ ts })).toMatch(/^ts:/);
    expect(reasonFor({ last_contact: ts })).toMatch(/^last_contact:/);
    expect(reasonFor({ ingest_ts: ts })).toMatch(/^ingest_ts:/);
  });
  it('ts: 2000-01-01 and the last ms of 2099 are inside', () => {
    expect(reasonFor({ ts: Date.UTC(2000, 0, 1) })).toBeNull();
    expect(reasonFor({ ts: Date.UTC(2100, 0, 1) - 1 })).toBeNull();
  });

  it('last_contact: integer or null', () => {
    expect(reasonFor({ last_contact: 2.5 })).toMatch(/^last_contact:/);
    expect(reasonFor({ last_contact: null })).toBeNull();
  });

  it.each([
    ['lat', 90.0001],
    ['lat', -90.0001],
    ['lat', Number.NaN],
    ['lat', Number.POSITIVE_INFINITY],
    ['lat', '40.6'],
    ['lon', 180.0001],
    ['lon', -180.0001],
    ['lon', Number.NEGATIVE_INFINITY],
  ])('%s = %s is rejected', (field, value) => {
    expect(reasonFor({ [field]: value })).toMatch(new RegExp(`^${field}:`));
  });
  it('lat and lon are required', () => {
    expect(reasonWithout('lat')).toMatch(/^lat:/);
    expect(reasonWithout('lon')).toMatch(/^lon:/);
  });

  it.each([
    ['baro_alt_m', -500.1],
    ['baro_alt_m', 25_000.1],
    ['geo_alt_m', -501],
    ['geo_alt_m', 30_000],
    ['speed_ms', -0.1],
    ['speed_ms', 700.1],
    ['track_deg', -0.1],
    ['track_deg', 360],
    ['vrate_ms', -200.1],
    ['vrate_ms', 200.1],
    ['vrate_ms', Number.NaN],
  ])('%s = %s is out of range', (field, value) => {
    expect(reasonFor({ [field]: value })).toMatch(new RegExp(`^${field}:`));
  });
  it.each(['baro_alt_m', 'geo_alt_m', 'speed_ms', 'track_deg', 'vrate_ms'])('%s may be null', (field) => {
    expect(reasonFor({ [field]: null })).toBeNull();
  });

  it('on_ground: required boolean', () => {
    expect(reasonWithout('on_ground')).toMatch(/^on_ground:/);
    expect(reasonFor({ on_ground: 'false' })).toMatch(/^on_ground:/);
  });

  it('squawk: four octal digits or null', () => {
    expect(reasonFor({ squawk: '7800' })).toMatch(/^squawk:/);
    expect(reasonFor({ squawk: '770' })).toMatch(/^squawk:/);
    expect(reasonFor({ squawk: 7700 })).toMatch(/^squawk:/);
    expect(reasonFor({ squawk: '7700' })).toBeNull();
    expect(reasonFor({ squawk: null })).toBeNull();
  });

  it('spi: boolean', () => expect(reasonFor({ spi: 1 })).toMatch(/^spi:/));
  it('pos_source: integer 0-3', () => {
    expect(reasonFor({ pos_source: 4 })).toMatch(/^pos_source:/);
    expect(reasonFor({ pos_source: 1.5 })).toMatch(/^pos_source:/);
  });
  it('category: integer 0-20 or null', () => {
    expect(reasonFor({ category: 21 })).toMatch(/^category:/);
    expect(reasonFor({ category: null })).toBeNull();
  });
  it('source: one of opensky, replay, synthetic', () => {
    expect(reasonFor({ source: 'adsbx' })).toMatch(/^source:/);
  });
  it('ingest_ts: integer', () => expect(reasonFor({ ingest_ts: 'now' })).toMatch(/^ingest_ts:/));
});

describe('parseEnvelope', () => {
  it('parses JSON text and bytes', () => {
    expect(parseEnvelope(JSON.stringify(valid)).ok).toBe(true);
    expect(parseEnvelope(Buffer.from(JSON.stringify(valid))).ok).toBe(true);
  });
  it('names non-JSON and non-objects', () => {
    expect(parseEnvelope('{"v":1,')).toEqual({ ok: false, reason: 'not_json' });
    expect(parseEnvelope('[1,2]')).toEqual({ ok: false, reason: 'not_an_object' });
    expect(parseEnvelope('null')).toEqual({ ok: false, reason: 'not_an_object' });
    expect(parseEnvelope('"x"')).toEqual({ ok: false, reason: 'not_an_object' });
  });
  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array()), (raw) => {
        const r = parseEnvelope(raw);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
  it('accepts every envelope built from in-range values', () => {
    const envelope = fc.record({
      v: fc.constant(1),
      icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
      ts: fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }),
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      on_ground: fc.boolean(),
      baro_alt_m: fc.option(fc.double({ min: -500, max: 25_000, noNaN: true })),
      track_deg: fc.option(fc.double({ min: 0, max: 359.999, noNaN: true })),
      squawk: fc.option(fc.stringMatching(/^[0-7]{4}$/)),
    });
    fc.assert(fc.property(envelope, (e) => isFlightEnvelope(e)));
  });
});

describe('AnomalyEvent and Track', () => {
  const event = {
    v: 1,
    id: anomalyId('go_around', 'a0b1c2', 1_732_700_000_000),
    type: 'go_around',
    phase: 'closed',
    severity: 'warning',
    icao24: 'a0b1c2',
    callsign: 'DAL123',
    started_at: 1_732_700_000_000,
    detected_at: 1_732_700_012_000,
    ended_at: 1_732_700_012_000,
    lat: 40.64,
    lon: -73.78,
    alt_m: 210,
    airport: 'KJFK',
    details: { lowest_height_m: 120, climb_m: 200 },
  };
  it('accepts a contract example and rejects a bad type or id', () => {
    expect(validateAnomaly(event).ok).toBe(true);
    expect(validateAnomaly({ ...event, type: 'wobble' }).ok).toBe(false);
    expect(validateAnomaly({ ...event, id: 'go_around:A0B1C2:1' }).ok).toBe(false);
    expect(validateAnomaly({ ...event, phase: 'pending' }).ok).toBe(false);
  });
  it('ids are deterministic type:icao24:started_at', () => {
    expect(event.id).toBe('go_around:a0b1c2:1732700000000');
  });
  it('validates tracks', () => {
    const track = {
      icao24: 'a0b1c2',
      callsign: null,
      lat: 40.1,
      lon: -73.2,
      alt_m: 1000,
      speed_ms: 100,
      track_deg: 90,
      vrate_ms: 0,
      on_ground: false,
      squawk: null,
      ts: 1,
      anomalies: ['go_around'],
    };
    expect(validateTrack(track).ok).toBe(true);
    expect(validateTrack({ ...track, anomalies: ['nope'] }).ok).toBe(false);
  });
});

describe('dlqRecord', () => {
  it('cuts huge raw messages to 64 KiB', () => {
    const r = dlqRecord('flights.updates', 0, '12', 'not_json', 'x'.repeat(1_000_000));
    expect(r.raw.length).toBe(64 * 1024);
    expect(r).toMatchObject({ topic: 'flights.updates', partition: 0, offset: '12', reason: 'not_json' });
  });
});
