import { type Static, Type } from '@sinclair/typebox';
import { SAFE_TEXT_PATTERN } from './bounds.ts';

export const ANOMALY_TYPES = ['rapid_descent', 'go_around', 'emergency_squawk', 'signal_lost'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

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
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AnomalyEvent', additionalProperties: true },
);

export type AnomalyEvent = Static<typeof AnomalyEventSchema>;

export const anomalyId = (type: AnomalyType, icao24: string, startedAtMs: number): string =>
  `${type}:${icao24}:${startedAtMs}`;
