import { type Static, Type } from '@sinclair/typebox';
import { SAFE_TEXT_PATTERN } from './bounds.ts';

export const ANOMALY_TYPES = ['rapid_descent', 'go_around', 'emergency_squawk', 'signal_lost'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const num = (description: string) => Type.Optional(Type.Number({ description }));

/**
 * What an event says about why it fired, by type (docs/actors.md). Every field is optional and
 * others may be added (readers ignore what they do not know).
 */
export const AnomalyDetailsSchema = Type.Object(
  {
    // signal_lost
    silent_s: num('signal_lost: seconds without a report (at detection; at the close, the whole silence)'),
    last_phase: Type.Optional(
      Type.String({
        description: 'signal_lost: flight phase at the last report (climb, descent, level, cruise)',
      }),
    ),
    dead_reckoned_lat: num('signal_lost: where it should be now (last position, track and speed), deg'),
    dead_reckoned_lon: num('signal_lost: where it should be now, deg'),
    nearby_reports: num(
      'signal_lost: reports of other aircraft near the dead-reckoned position, at its altitude band or the one below, during the silence',
    ),
    dead_reckoned_alt_m: num(
      'signal_lost: the altitude it would have now (last altitude plus its vertical rate over the silence)',
    ),
    highest_nearby_alt_m: num(
      'signal_lost: the highest altitude others were seen at around that position lately',
    ),
    altitude_band: Type.Optional(
      Type.String({ description: 'signal_lost: coverage altitude band, "band/highest"' }),
    ),
    covered_ahead_m: num(
      'signal_lost: how far beyond the dead-reckoned position the covered area was checked to go on',
    ),
    airport_dist_m: num('signal_lost: distance from the last position to the nearest airport'),
    resumed_lat: num('signal_lost (closed): first position after the silence'),
    resumed_lon: num('signal_lost (closed): first position after the silence'),
    // rapid_descent
    rate_fpm: Type.Optional(
      Type.Union([Type.Number(), Type.Null()], { description: 'rapid_descent: window rate, ft/min' }),
    ),
    max_rate_fpm: num('rapid_descent: highest window rate, ft/min'),
    window_s: num('rapid_descent: the window'),
    start_height_m: num('rapid_descent: height of the window start over the reference airport'),
    reference_elevation_m: num('rapid_descent: the reference airport elevation (0: sea level)'),
    escalated_from: Type.Optional(
      Type.String({ description: 'rapid_descent: the severity an escalated open replaces' }),
    ),
    // go_around
    airport_elevation_m: num('go_around: elevation of the airport'),
    lowest_height_m: num('go_around: lowest height over the airport (held over three reports)'),
    descent_m: num('go_around: descent into the lowest point from the high of the last 10 minutes nearby'),
    climb_m: num('go_around: climb after the lowest point at detection'),
    detected_lat: num('go_around: position at detection'),
    detected_lon: num('go_around: position at detection'),
    detected_alt_m: num('go_around: altitude at detection'),
    // emergency_squawk
    squawk: Type.Optional(Type.String({ description: 'emergency_squawk: the code' })),
    meaning: Type.Optional(Type.String({ description: 'emergency_squawk: what the code declares' })),
    squawks: Type.Optional(
      Type.Array(Type.String(), { description: 'emergency_squawk: every emergency code seen' }),
    ),
  },
  { additionalProperties: true },
);

/**
 * AnomalyEvent v1 (contract section 5). `id` is deterministic: `type:icao24:started_at`,
 * so a re-delivered event upserts the same row and is recognisable downstream.
 */
export const AnomalyEventSchema = Type.Object(
  {
    v: Type.Literal(1),
    id: Type.String({
      pattern: '^(rapid_descent|go_around|emergency_squawk|signal_lost):[0-9a-f]{6}:[0-9]+$',
    }),
    type: Type.Union(ANOMALY_TYPES.map((t) => Type.Literal(t))),
    phase: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    severity: Type.Union(SEVERITIES.map((s) => Type.Literal(s))),
    icao24: Type.String({ pattern: '^[0-9a-f]{6}$' }),
    callsign: Type.Union([Type.String({ maxLength: 8, pattern: SAFE_TEXT_PATTERN }), Type.Null()]),
    started_at: Type.Integer({ minimum: 0 }),
    detected_at: Type.Integer({ minimum: 0 }),
    ended_at: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    alt_m: Type.Union([Type.Number(), Type.Null()]),
    airport: Type.Union([Type.String({ maxLength: 8, pattern: SAFE_TEXT_PATTERN }), Type.Null()]),
    details: AnomalyDetailsSchema,
  },
  { $id: 'AnomalyEvent', additionalProperties: true },
);

/** The known details (typed) plus any others (readers ignore what they do not know). */
export type AnomalyDetails = Static<typeof AnomalyDetailsSchema> & Record<string, unknown>;
export type AnomalyEvent = Omit<Static<typeof AnomalyEventSchema>, 'details'> & { details: AnomalyDetails };

export const anomalyId = (type: AnomalyType, icao24: string, startedAtMs: number): string =>
  `${type}:${icao24}:${startedAtMs}`;
