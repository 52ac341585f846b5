/**
 * Contract-level bounds beyond types and units: the time range a timestamp may take, the
 * characters a text field may hold, and how far ahead of the wall clock a live fix may be. Pure
 * (the clock is passed in). Why each bound: docs/architecture.md section 3 and docs/reliability.md
 * "Hostile input".
 */

/** 2000-01-01T00:00:00Z: no ADS-B feed this service reads has older data. */
export const TS_MIN_MS = 946_684_800_000;
/** 2100-01-01T00:00:00Z (exclusive): far beyond any real fix, inside what PostgreSQL and JS dates hold. */
export const TS_MAX_MS = 4_102_444_800_000;

/** Schema options of a contract timestamp (ms epoch) field. */
export const TS_RANGE = { minimum: TS_MIN_MS, exclusiveMaximum: TS_MAX_MS } as const;

/**
 * Characters no text field may hold: C0 and C1 controls (NUL included), DEL, the soft hyphen,
 * bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9),
 * zero-width and invisible characters (U+180E, U+200B-D, U+2060-4, U+206A-F, U+FEFF), line and
 * paragraph separators (U+2028-9), interlinear annotation marks (U+FFF9-B), and lone UTF-16
 * surrogates (a surrogate pair, i.e. an astral character, is allowed).
 */
const UNSAFE_CLASS =
  '\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u206F\\uFEFF\\uFFF9-\\uFFFB';
const SAFE_CHAR = `(?:[^${UNSAFE_CLASS}\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])`;

/** JSON-Schema pattern of a text field made only of safe characters (works with or without the `u` flag). */
export const SAFE_TEXT_PATTERN = `^${SAFE_CHAR}*$`;
/** A callsign: safe characters, no leading or trailing white space (the producer trims). */
export const CALLSIGN_PATTERN = `^(?=${SAFE_CHAR}*$)(?:\\S|\\S.*\\S)$`;

const SAFE_TEXT = new RegExp(SAFE_TEXT_PATTERN);
/** True when `text` holds none of the characters above. */
export const isSafeText = (text: string): boolean => SAFE_TEXT.test(text);

/**
 * A live fix (any source but `replay`) may be at most this far ahead of the processor's wall
 * clock: more means a clock or feed fault, and one such fix would move the feed's clock. Replays
 * are exempt: the replay clock keeps the recording's spacing, so at 10x its ts runs ahead of the
 * wall clock by design.
 */
export const LIVE_MAX_AHEAD_MS = 60_000;

/** The reason a fix breaks the live clock bound, or null. `nowMs` is the caller's wall clock. */
export function liveClockViolation(
  env: { ts: number; last_contact?: number | null; source?: string },
  nowMs: number,
  maxAheadMs = LIVE_MAX_AHEAD_MS,
): string | null {
  if (env.source === 'replay') return null;
  const limit = nowMs + maxAheadMs;
  if (env.ts > limit)
    return `ts: ${aheadS(env.ts, nowMs)} s ahead of the wall clock (at most ${maxAheadMs / 1000} s for a live source)`;
  const lc = env.last_contact;
  if (lc != null && lc > limit) {
    return `last_contact: ${aheadS(lc, nowMs)} s ahead of the wall clock (at most ${maxAheadMs / 1000} s for a live source)`;
  }
  return null;
}

const aheadS = (tsMs: number, nowMs: number) => Math.round((tsMs - nowMs) / 1000);
