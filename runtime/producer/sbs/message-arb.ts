import fc from 'fast-check';
import type { SbsMessage } from './parse.ts';

/** Any SbsMessage a receiver could send (for property tests); lat and lon both set or both null. */
export function sbsMessageArb(o: {
  icao24: fc.Arbitrary<string>;
  tsMs: fc.Arbitrary<number>;
}): fc.Arbitrary<SbsMessage> {
  return fc
    .record({
      type: fc.integer({ min: 1, max: 8 }) as fc.Arbitrary<SbsMessage['type']>,
      icao24: o.icao24,
      tsMs: o.tsMs,
      callsign: fc.option(fc.stringMatching(/^[A-Z0-9]{1,8}$/), { nil: null }),
      altFt: fc.option(fc.integer({ min: -1000, max: 60_000 }), { nil: null }),
      groundSpeedKt: fc.option(fc.integer({ min: 0, max: 700 }), { nil: null }),
      trackDeg: fc.option(fc.double({ min: 0, max: 359.9, noNaN: true }), { nil: null }),
      lat: fc.option(fc.double({ min: -90, max: 90, noNaN: true }), { nil: null }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
      vrateFtMin: fc.option(fc.integer({ min: -8000, max: 8000 }), { nil: null }),
      squawk: fc.option(fc.stringMatching(/^[0-7]{4}$/), { nil: null }),
      emergency: fc.option(fc.boolean(), { nil: null }),
      spi: fc.option(fc.boolean(), { nil: null }),
      onGround: fc.option(fc.boolean(), { nil: null }),
    })
    .map((m) => ({ ...m, lat: m.lat === null ? null : m.lat + 0, lon: m.lat === null ? null : m.lon + 0 })); // -0 prints as 0
}
