import { ANOMALY_TYPES, type AnomalyType, type BBox, TS_MAX_MS } from '../runtime/contract/index.ts';
import { parseBboxParam } from './bbox.ts';

/** Query and path parameter checks: each returns a value or a reason for a 400 `{error}`. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const ICAO24 = /^[0-9a-f]{6}$/;
const INTEGER = /^\d{1,16}$/;

export const MAX_URL_CHARS = 2048;
export const ANOMALY_LIMIT_MAX = 1000;
export const ANOMALY_LIMIT_DEFAULT = 100;
export const HISTORY_MAX_SPAN_MS = 7 * 86_400_000; // one week
export const HISTORY_DEFAULT_SPAN_MS = 3_600_000; // the last hour

export function checkIcao24(raw: string): Checked<string> {
  return ICAO24.test(raw)
    ? { ok: true, value: raw }
    : { ok: false, error: 'icao24 must be 6 lower-case hex digits' };
}

export function checkBboxQuery(raw: string | undefined): Checked<BBox | null> {
  if (raw === undefined || raw === '') return { ok: true, value: null };
  const r = parseBboxParam(raw);
  return r.ok ? { ok: true, value: r.bbox } : r;
}

/** WS `?encoding=`: `json` (the default, the contract's Track objects) or `compact` (compact.ts rows). */
export function checkEncoding(raw: string | undefined): Checked<'json' | 'compact'> {
  if (raw === undefined || raw === '' || raw === 'json') return { ok: true, value: 'json' };
  if (raw === 'compact') return { ok: true, value: 'compact' };
  return { ok: false, error: 'encoding must be json or compact' };
}

/**
 * A ms epoch parameter: an integer from 0 to the contract's upper bound (2100-01-01). Anything
 * later used to reach PostgreSQL and come back as a 503 (timestamp out of range); it is a 400.
 */
function checkMs(name: string, raw: string | undefined): Checked<number | undefined> {
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  if (!INTEGER.test(raw) || Number(raw) >= TS_MAX_MS) {
    return {
      ok: false,
      error: `${name} must be an integer ms epoch from 0 to before ${TS_MAX_MS} (2100-01-01)`,
    };
  }
  return { ok: true, value: Number(raw) };
}

export interface AnomalyQuery {
  sinceMs: number | undefined;
  type: AnomalyType | undefined;
  limit: number;
  /** `after=N`: the backlog after cursor N from the edge's log (AnomalyBacklog, oldest first). */
  afterCursor?: number | undefined;
}

export function checkAnomalyQuery(q: Record<string, string>): Checked<AnomalyQuery> {
  const since = checkMs('since', q.since);
  if (!since.ok) return since;
  let type: AnomalyType | undefined;
  if (q.type !== undefined && q.type !== '') {
    if (!(ANOMALY_TYPES as readonly string[]).includes(q.type)) {
      return { ok: false, error: `type must be one of ${ANOMALY_TYPES.join(', ')}` };
    }
    type = q.type as AnomalyType;
  }
  let limit = ANOMALY_LIMIT_DEFAULT;
  if (q.limit !== undefined && q.limit !== '') {
    if (!/^\d{1,5}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > ANOMALY_LIMIT_MAX) {
      return { ok: false, error: `limit must be an integer from 1 to ${ANOMALY_LIMIT_MAX}` };
    }
    limit = Number(q.limit);
  }
  let afterCursor: number | undefined;
  if (q.after !== undefined && q.after !== '') {
    if (!INTEGER.test(q.after))
      return { ok: false, error: 'after must be a non-negative integer (a cursor)' };
    if (since.value !== undefined || type !== undefined) {
      return { ok: false, error: 'after cannot be combined with since or type' };
    }
    afterCursor = Number(q.after);
  }
  return { ok: true, value: { sinceMs: since.value, type, limit, afterCursor } };
}

export interface HistoryRange {
  fromMs: number;
  toMs: number;
}

export function checkHistoryRange(q: Record<string, string>, nowMs: number): Checked<HistoryRange> {
  const from = checkMs('from', q.from);
  if (!from.ok) return from;
  const to = checkMs('to', q.to);
  if (!to.ok) return to;
  const toMs = to.value ?? nowMs;
  const fromMs = from.value ?? toMs - HISTORY_DEFAULT_SPAN_MS;
  if (fromMs >= toMs) return { ok: false, error: 'from must be before to' };
  if (toMs - fromMs > HISTORY_MAX_SPAN_MS) return { ok: false, error: 'from..to spans more than 7 days' };
  return { ok: true, value: { fromMs, toMs } };
}

const ALLOWED = new Set([
  'bbox',
  'since',
  'type',
  'limit',
  'from',
  'to',
  'token',
  'encoding',
  'at',
  'speed',
  'paused',
  'after',
]);

/**
 * Parses a raw query string. Unknown or repeated names are refused so a typo
 * (`?bbbox=`) is a 400, not a silently ignored filter.
 */
export function parseQuery(raw: string, allowed: readonly string[]): Checked<Record<string, string>> {
  const out: Record<string, string> = {};
  if (raw === '') return { ok: true, value: out };
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return { ok: false, error: 'malformed percent-encoding in the query' };
    }
    if (!ALLOWED.has(name) || (!allowed.includes(name) && name !== 'token')) {
      return { ok: false, error: `unknown query parameter ${JSON.stringify(name.slice(0, 40))}` };
    }
    if (name in out) return { ok: false, error: `query parameter ${name} given twice` };
    out[name] = value;
  }
  return { ok: true, value: out };
}
