import fc from 'fast-check';
import { ANOMALY_TYPES, type Track, TrackSchema } from './index.ts';

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const num = fc.double({ noNaN: false, noDefaultInfinity: false });
/** Any Track the board may be given (for property tests): nulls, NaN, extremes, origin_country or not. */
export const trackArb: fc.Arbitrary<Track> = fc.record(
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
  // Every key the contract requires (origin_country is optional), from the schema itself.
  { requiredKeys: TrackSchema.required as Array<keyof Track> },
);
