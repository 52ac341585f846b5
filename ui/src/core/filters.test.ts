import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleTrack } from '../../../runtime/contract/sample.ts';
import { countMatching, DEFAULT_FILTER, matchesFilter } from './filters.ts';

describe('filters', () => {
  it('the default filter lets everything through', () => {
    expect(matchesFilter(sampleTrack('abc123', { alt_m: null }), DEFAULT_FILTER)).toBe(true);
    expect(matchesFilter(sampleTrack('abc123', { on_ground: true, alt_m: null }), DEFAULT_FILTER)).toBe(true);
  });

  it('altitude range is inclusive; unknown altitude fails a bound unless on the ground at 0', () => {
    const f = { ...DEFAULT_FILTER, altMinM: 1000, altMaxM: 5000 };
    expect(matchesFilter(sampleTrack('abc123', { alt_m: 1000 }), f)).toBe(true);
    expect(matchesFilter(sampleTrack('abc123', { alt_m: 5000 }), f)).toBe(true);
    expect(matchesFilter(sampleTrack('abc123', { alt_m: 999 }), f)).toBe(false);
    expect(matchesFilter(sampleTrack('abc123', { alt_m: 5001 }), f)).toBe(false);
    expect(matchesFilter(sampleTrack('abc123', { alt_m: null }), f)).toBe(false);
    expect(
      matchesFilter(sampleTrack('abc123', { alt_m: null, on_ground: true }), {
        ...DEFAULT_FILTER,
        altMaxM: 500,
      }),
    ).toBe(true);
  });

  it('on-ground toggle hides aircraft on the ground', () => {
    const f = { ...DEFAULT_FILTER, showOnGround: false };
    expect(matchesFilter(sampleTrack('abc123', { on_ground: true }), f)).toBe(false);
    expect(matchesFilter(sampleTrack('abc123', { on_ground: false }), f)).toBe(true);
  });

  it('search matches callsign or icao24, case-insensitive, trimmed', () => {
    const t = sampleTrack('a1b2c3', { callsign: 'JBU42' });
    expect(matchesFilter(t, { ...DEFAULT_FILTER, query: ' jbu' })).toBe(true);
    expect(matchesFilter(t, { ...DEFAULT_FILTER, query: 'B2C' })).toBe(true);
    expect(matchesFilter(t, { ...DEFAULT_FILTER, query: 'dal' })).toBe(false);
    expect(
      matchesFilter(sampleTrack('abc123', { callsign: null }), { ...DEFAULT_FILTER, query: 'dal' }),
    ).toBe(false);
  });

  it('anomalies only keeps open anomalies and emergency squawks', () => {
    const f = { ...DEFAULT_FILTER, anomaliesOnly: true };
    expect(matchesFilter(sampleTrack('abc123'), f)).toBe(false);
    expect(matchesFilter(sampleTrack('abc123', { anomalies: ['go_around'] }), f)).toBe(true);
    expect(matchesFilter(sampleTrack('abc123', { squawk: '7700' }), f)).toBe(true);
  });

  it('property: narrowing the altitude range never raises the count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 13000 })), { maxLength: 60 }),
        fc.integer({ min: 0, max: 13000 }),
        fc.integer({ min: 0, max: 13000 }),
        (alts, a, b) => {
          const ts = alts.map((alt) => sampleTrack('abc123', { alt_m: alt }));
          const lo = Math.min(a, b);
          const hi = Math.max(a, b);
          const wide = countMatching(ts, { ...DEFAULT_FILTER, altMinM: lo, altMaxM: 13000 });
          const narrow = countMatching(ts, { ...DEFAULT_FILTER, altMinM: lo, altMaxM: hi });
          expect(narrow).toBeLessThanOrEqual(wide);
          expect(narrow).toBe(alts.filter((x) => x !== null && x >= lo && x <= hi).length);
        },
      ),
    );
  });
});
