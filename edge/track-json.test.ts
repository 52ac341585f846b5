import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES, roundTrack, type Track } from '../runtime/contract/index.ts';
import { normalizeTrack, trackJson } from './track-json.ts';

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const num = fc.double({ noNaN: false, noDefaultInfinity: false });
const trackArb: fc.Arbitrary<Track> = fc.record(
  {
    icao24: fc.stringMatching(/^[0-9a-f]{6}$/),
    callsign: nullable(fc.string({ maxLength: 8 })),
    origin_country: nullable(fc.string()),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    alt_m: nullable(num),
    speed_ms: nullable(num),
    track_deg: nullable(num),
    vrate_ms: nullable(num),
    on_ground: fc.boolean(),
    squawk: nullable(fc.stringMatching(/^[0-7]{4}$/)),
    ts: fc.nat(),
    anomalies: fc.subarray([...ANOMALY_TYPES]),
  },
  {
    requiredKeys: [
      'icao24',
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
    ],
  },
);

describe('track JSON', () => {
  it('normalizeTrack rounds like the contract roundTrack (property)', () => {
    fc.assert(
      fc.property(trackArb, (t) => {
        const n = normalizeTrack(t, [...t.anomalies]);
        const r = roundTrack(structuredClone(t));
        expect(n).toEqual(r);
      }),
      { numRuns: 2000 },
    );
  });

  it('trackJson is byte-identical to JSON.stringify (property)', () => {
    fc.assert(
      fc.property(trackArb, (t) => {
        const n = normalizeTrack(t, [...t.anomalies]);
        expect(trackJson(n)).toBe(JSON.stringify(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('drops fields the contract does not name', () => {
    const t = { ...normalizeTrack(fc.sample(trackArb, 1)[0], []), secret: 1 } as Track;
    expect(Object.keys(normalizeTrack(t, []))).not.toContain('secret');
  });
});
