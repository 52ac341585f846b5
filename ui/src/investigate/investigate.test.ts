import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../../../runtime/contract/anomaly.ts';
import { sampleTrack } from '../../../runtime/contract/sample.ts';
import { nextSort, sortTracks, sortValue } from './aircraft-table.ts';
import { agoWords, altitudeWords, detailWords, durationWords, utcTime } from './event-words.ts';
import { framingFor } from './frame-trail.ts';
import { EMPTY_URL_STATE, formatUrlState, parseUrlState } from './url-state.ts';

const ev = (type: AnomalyEvent['type'], details: Record<string, unknown>, over: Partial<AnomalyEvent> = {}) =>
  ({
    v: 1,
    id: `${type}:abcdef:1000`,
    type,
    phase: 'closed',
    severity: 'warning',
    icao24: 'abcdef',
    callsign: 'TEST1',
    started_at: 1000,
    detected_at: 61_000,
    ended_at: 121_000,
    lat: 40,
    lon: -73,
    alt_m: 120,
    airport: 'KJFK',
    details,
    ...over,
  }) as AnomalyEvent;

describe('event words', () => {
  it('says what happened as a controller would', () => {
    expect(detailWords(ev('emergency_squawk', { squawk: '7700' }))).toBe('squawk 7700 general emergency');
    expect(
      detailWords(
        ev('rapid_descent', {
          max_rate_fpm: 6712,
          window_s: 60,
          start_height_m: 10_668,
          reference_elevation_m: 0,
        }),
      ),
    ).toBe('descended 6,700 ft/min for 60 s from FL350');
    expect(detailWords(ev('go_around', { lowest_height_m: 119, climb_m: 177 }))).toBe(
      'lowest 390 ft above KJFK, climbed 580 ft',
    );
    expect(detailWords(ev('signal_lost', { silent_s: 120 }), 14)).toBe(
      'silent 2 min; 14 aircraft seen nearby meanwhile',
    );
    expect(detailWords(ev('signal_lost', { silent_s: 45 }, { ended_at: null }))).toBe('silent 45 s so far');
  });

  it('altitudes, durations and times', () => {
    expect(altitudeWords(10_668)).toBe('FL350');
    expect(altitudeWords(1000)).toBe('3,280 ft');
    expect(altitudeWords(null)).toBe('unknown altitude');
    expect(durationWords(3900)).toBe('1 h 5 min');
    expect(agoWords(0, 5 * 60_000)).toBe('5 min ago');
    expect(agoWords(0, 10_000)).toBe('just now');
    expect(utcTime(Date.UTC(2026, 10, 1, 12, 3, 4))).toBe('2026-11-01 12:03:04 UTC');
  });
});

describe('url state', () => {
  it('round-trips every state it can express', () => {
    const state = fc.record({
      icao: fc.option(fc.stringMatching(/^[0-9a-f]{6}$/), { nil: null }),
      camera: fc.option(
        fc.record({
          lat: fc.integer({ min: -900_000, max: 900_000 }).map((x) => x / 10_000),
          lon: fc.integer({ min: -1_800_000, max: 1_800_000 }).map((x) => x / 10_000),
          alt: fc.integer({ min: 10, max: 10_000 }).map((x) => x / 1000),
        }),
        { nil: null },
      ),
      filter: fc.record({
        altMinM: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
        altMaxM: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
        showOnGround: fc.boolean(),
        query: fc.stringMatching(/^[A-Za-z0-9 ]{0,10}$/),
        anomaliesOnly: fc.boolean(),
      }),
      units: fc.constantFrom('metric' as const, 'imperial' as const, null),
      playbackAtMs: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: null }),
      speed: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
    });
    fc.assert(
      fc.property(state, (s) => {
        expect(parseUrlState(formatUrlState(s))).toEqual(s);
      }),
    );
  });

  it('ignores what it cannot use', () => {
    expect(parseUrlState('?icao=XYZ&lat=100&lon=5&speed=500&t=-1&units=furlongs')).toEqual(EMPTY_URL_STATE);
    expect(parseUrlState('?icao=A42490').icao).toBe('a42490');
    expect(formatUrlState(EMPTY_URL_STATE)).toBe('');
  });
});

describe('aircraft table', () => {
  it('sorts by any column, nulls last either way, stable by icao24', () => {
    const tracks = fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: 0xffffff }).map((n) => n.toString(16).padStart(6, '0')),
        alt: fc.option(fc.integer({ min: 0, max: 12_000 }), { nil: null }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(tracks, fc.boolean(), (raw, desc) => {
        const ts = raw.map((r) => sampleTrack(r.id, { alt_m: r.alt, on_ground: false }));
        const out = sortTracks(ts, { key: 'alt', desc }, 0);
        const vals = out.map((t) => sortValue(t, 'alt', 0));
        const firstNull = vals.indexOf(null);
        if (firstNull >= 0) expect(vals.slice(firstNull).every((v) => v === null)).toBe(true);
        const nums = vals.filter((v) => v !== null) as number[];
        for (let i = 1; i < nums.length; i++)
          expect(desc ? nums[i - 1]! >= nums[i]! : nums[i - 1]! <= nums[i]!).toBe(true);
      }),
    );
    expect(nextSort({ key: 'alt', desc: false }, 'alt')).toEqual({ key: 'alt', desc: true });
    expect(nextSort({ key: 'alt', desc: true }, 'speed')).toEqual({ key: 'speed', desc: false });
  });
});

describe('trail framing', () => {
  it('centres on the trail and the pin, the short way across the antimeridian', () => {
    const f = framingFor(
      [
        [0, 10, 179, 1000],
        [1, 12, -179, 1000],
      ],
      null,
    );
    expect(f!.lat).toBeCloseTo(11);
    expect(Math.abs(f!.lon)).toBeCloseTo(180);
    expect(f!.altitude).toBeLessThan(0.5);
    expect(framingFor([], null)).toBeNull();
    expect(framingFor([], { lat: 1, lon: 2 })).toMatchObject({ lat: 1, lon: 2 });
  });
});
