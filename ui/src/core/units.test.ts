import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAMING_MIN_ALT, frameTraffic } from './framing.ts';
import {
  altInputToM,
  FT_PER_M,
  flightLevel,
  formatAlt,
  formatSpeed,
  formatVrate,
  labelAlt,
  verticalTrend,
} from './units.ts';

describe('units', () => {
  it('aviation: feet, knots, flight levels, ft/min; metric: metres and m/s', () => {
    expect(formatAlt(10_668, 'aviation')).toBe('35,000 ft');
    expect(formatAlt(10_668, 'metric')).toBe('10,668 m');
    expect(formatAlt(null, 'aviation')).toBe('—');
    expect(flightLevel(10_668, false)).toBe('FL350');
    expect(flightLevel(300, false)).toBe('FL010');
    expect(flightLevel(0, true)).toBe('GND');
    expect(labelAlt(10_668, false, 'metric')).toBe('10,668 m');
    expect(formatSpeed(242, 'aviation')).toBe('470 kt');
    expect(formatSpeed(242, 'metric')).toBe('242.0 m/s');
    expect(formatVrate(-5.08, 'aviation')).toBe('-1,000 ft/min');
    expect(formatVrate(5.08, 'metric')).toBe('+5.1 m/s');
    expect([verticalTrend(3), verticalTrend(-3), verticalTrend(0.1), verticalTrend(null)]).toEqual([
      '↑',
      '↓',
      '→',
      '→',
    ]);
  });

  it('an altitude typed in feet reads back as the metres it names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), (ft) => {
        expect(altInputToM(String(ft), 'aviation')! * FT_PER_M).toBeCloseTo(ft, 6);
        expect(altInputToM(String(ft), 'metric')).toBe(ft);
      }),
    );
    expect(altInputToM('', 'aviation')).toBeNull();
    expect(altInputToM('x', 'metric')).toBeNull();
  });
});

describe('framing the traffic', () => {
  it('centres on the traffic and backs off with its spread; the antimeridian is no special case', () => {
    const nyc = [
      { lat: 40.6, lon: -73.8 },
      { lat: 40.8, lon: -74.2 },
      { lat: 41, lon: -73.5 },
    ];
    const f = frameTraffic(nyc, 50, 1.6)!;
    expect(f.lat).toBeCloseTo(40.8, 0);
    expect(f.lon).toBeCloseTo(-73.8, 0);
    expect(f.altitude).toBeGreaterThanOrEqual(FRAMING_MIN_ALT);
    const wide = frameTraffic([...nyc, { lat: 30, lon: -90 }, { lat: 50, lon: -60 }], 50, 1.6)!;
    expect(wide.altitude).toBeGreaterThan(f.altitude);
    const date = frameTraffic(
      [
        { lat: 0, lon: 179 },
        { lat: 0, lon: -179 },
      ],
      50,
      1,
    )!;
    expect(Math.abs(date.lon)).toBeCloseTo(180, 3);
    expect(frameTraffic([], 50, 1)).toBeNull();
  });
});
