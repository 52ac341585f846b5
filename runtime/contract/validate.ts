import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type AnomalyEvent, AnomalyEventSchema } from './anomaly.ts';
import { type FlightEnvelope, FlightEnvelopeSchema } from './envelope.ts';
import { type Track, TrackSchema } from './track.ts';

/** Compiled once at module load: each check is a straight-line JS function, no interpretation. */
const envelopeCheck = TypeCompiler.Compile(FlightEnvelopeSchema);
const anomalyCheck = TypeCompiler.Compile(AnomalyEventSchema);
const trackCheck = TypeCompiler.Compile(TrackSchema);

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Short machine-readable reasons, also used as the DLQ `reason`. */
export const REASON_NOT_JSON = 'not_json';
export const REASON_NOT_OBJECT = 'not_an_object';
export const REASON_UNSUPPORTED_VERSION = 'unsupported_version';

function firstError(
  check: { Errors(v: unknown): Iterable<{ path: string; message: string }> },
  value: unknown,
) {
  for (const e of check.Errors(value)) {
    const field = e.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
    return `${field}: ${e.message}`;
  }
  return 'invalid';
}

/** Is this a valid FlightEnvelope? The fast path: one compiled check, no allocation. */
export const isFlightEnvelope = (value: unknown): value is FlightEnvelope => envelopeCheck.Check(value);

/** Validates an already parsed value; on failure names the first broken rule (`field: message`). */
export function validateEnvelope(value: unknown): Validated<FlightEnvelope> {
  if (envelopeCheck.Check(value)) return { ok: true, value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: REASON_NOT_OBJECT };
  }
  if ((value as { v?: unknown }).v !== 1) {
    return { ok: false, reason: `${REASON_UNSUPPORTED_VERSION}: v must be 1` };
  }
  return { ok: false, reason: firstError(envelopeCheck, value) };
}

/** Parses one message or JSONL line (string or bytes) and validates it. Never throws. */
export function parseEnvelope(raw: string | Uint8Array): Validated<FlightEnvelope> {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    return { ok: false, reason: REASON_NOT_JSON };
  }
  return validateEnvelope(value);
}

function validator<T>(check: { Check(v: unknown): boolean; Errors(v: unknown): Iterable<never> }) {
  return (value: unknown): Validated<T> =>
    check.Check(value) ? { ok: true, value: value as T } : { ok: false, reason: firstError(check, value) };
}

export const validateAnomaly = validator<AnomalyEvent>(anomalyCheck as never);
export const validateTrack = validator<Track>(trackCheck as never);

export const schemas: Record<string, TSchema> = {
  FlightEnvelope: FlightEnvelopeSchema,
  AnomalyEvent: AnomalyEventSchema,
  Track: TrackSchema,
};
