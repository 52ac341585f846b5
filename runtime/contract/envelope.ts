import { type Static, Type } from '@sinclair/typebox';
import { CALLSIGN_PATTERN, SAFE_TEXT_PATTERN, TS_RANGE } from './bounds.ts';

/** Nullable helper: the contract writes most optional fields as "T or null". */
const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

/**
 * FlightEnvelope v1: one OpenSky state vector, milliseconds for time, units in the names.
 * Contract section 3. Unknown fields are ignored (additionalProperties allowed). Times lie in
 * [2000, 2100) and text holds no control, bidi or zero-width characters (./bounds.ts).
 */
export const FlightEnvelopeSchema = Type.Object(
  {
    v: Type.Literal(1),
    icao24: Type.String({ pattern: '^[0-9a-f]{6}$' }),
    callsign: Type.Optional(
      Type.Union([Type.String({ maxLength: 8, pattern: CALLSIGN_PATTERN }), Type.Null()]),
    ),
    origin_country: Type.Optional(
      Type.Union([Type.String({ maxLength: 64, pattern: SAFE_TEXT_PATTERN }), Type.Null()]),
    ),
    ts: Type.Integer(TS_RANGE),
    last_contact: Type.Optional(Type.Union([Type.Integer(TS_RANGE), Type.Null()])),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    baro_alt_m: Nullable(Type.Number({ minimum: -500, maximum: 25_000 })),
    geo_alt_m: Nullable(Type.Number({ minimum: -500, maximum: 25_000 })),
    speed_ms: Nullable(Type.Number({ minimum: 0, maximum: 700 })),
    track_deg: Nullable(Type.Number({ minimum: 0, exclusiveMaximum: 360 })),
    vrate_ms: Nullable(Type.Number({ minimum: -200, maximum: 200 })),
    on_ground: Type.Boolean(),
    squawk: Type.Optional(Type.Union([Type.String({ pattern: '^[0-7]{4}$' }), Type.Null()])),
    spi: Type.Optional(Type.Boolean({ default: false })),
    pos_source: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
    category: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 20 }), Type.Null()])),
    source: Type.Optional(
      Type.Union([
        Type.Literal('opensky'),
        Type.Literal('replay'),
        Type.Literal('synthetic'),
        // A receiver of one's own: its SBS-1 (BaseStation) stream, or readsb's aircraft.json.
        Type.Literal('sbs'),
        Type.Literal('readsb'),
      ]),
    ),
    ingest_ts: Type.Optional(Type.Integer(TS_RANGE)),
  },
  { $id: 'FlightEnvelope', additionalProperties: true },
);

export type FlightEnvelope = Static<typeof FlightEnvelopeSchema>;

/** pos_source values (OpenSky): 0 ADS-B, 1 ASTERIX, 2 MLAT, 3 FLARM. */
export const PosSource = { ADSB: 0, ASTERIX: 1, MLAT: 2, FLARM: 3 } as const;
