import type pg from 'pg';
import type { HistoryRow } from '../runtime/contract/index.ts';
import { isMissingPartition } from './history-writers.ts';

/**
 * Isolating the rows PostgreSQL refuses. A data error (SQLSTATE class 22, e.g. 22021 a NUL in
 * text, 22008 a timestamp out of range, 22P05 a NUL in jsonb; or class 23, an integrity
 * violation) fails the whole statement and so the whole batch. The batch is then written piece by
 * piece inside its transaction, each piece under a savepoint: a refused piece is rolled back to the
 * savepoint and split in two, down to the single rows that are refused, which come back with the
 * database's reason (for the dead-letter topic). One bad row among n costs about 2 log2(n)
 * statements; the good rows are still written exactly once. Anything else (a lost connection, a
 * missing partition, a schema problem) is thrown as it is: the caller retries or stops.
 */

type Db = pg.Client | pg.PoolClient;

export interface Refused<T> {
  item: T;
  reason: string;
}

/** A data error: the values of some row, not the connection or the schema. */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (code.startsWith('22') || code.startsWith('23')) && !isMissingPartition(e);
}

const REASON_MAX_CHARS = 300;

/** PostgreSQL's reason, as the dead-letter record carries it: `SQLSTATE message (where)`. */
export function databaseReason(e: unknown): string {
  const { code, message, where } = (e ?? {}) as { code?: string; message?: string; where?: string };
  const text = `${code ?? '?'} ${message ?? String(e)}${where ? ` (${where.split('\n')[0]})` : ''}`;
  return text.length > REASON_MAX_CHARS ? text.slice(0, REASON_MAX_CHARS) : text;
}

const SAVEPOINT = 'skysentinel_isolate';

/**
 * Writes `items` with `write` inside the caller's open transaction, isolating refused rows as above.
 * Returns what `write` reported written and the refused items with their reasons.
 */
export async function writeIsolating<T>(
  db: Db,
  items: readonly T[],
  write: (part: readonly T[]) => Promise<number>,
): Promise<{ written: number; refused: Refused<T>[] }> {
  const refused: Refused<T>[] = [];
  let written = 0;
  const attempt = async (part: readonly T[]): Promise<void> => {
    if (part.length === 0) return;
    await db.query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      written += await write(part);
      await db.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    } catch (e) {
      await db.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      await db.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      if (!isDataError(e)) throw e;
      if (part.length === 1) {
        refused.push({ item: part[0]!, reason: databaseReason(e) });
        return;
      }
      const mid = part.length >>> 1;
      await attempt(part.slice(0, mid));
      await attempt(part.slice(mid));
    }
  };
  await attempt(items);
  return { written, refused };
}

/** A history row as the dead-letter record's `raw` (a FixRow's fields are getters: listed here). */
export function historyRowJson(r: HistoryRow): string {
  return JSON.stringify({
    icao24: r.icao24,
    ts: r.ts,
    lat: r.lat,
    lon: r.lon,
    callsign: r.callsign,
    baro_alt_m: r.baro_alt_m,
    geo_alt_m: r.geo_alt_m,
    speed_ms: r.speed_ms,
    track_deg: r.track_deg,
    vrate_ms: r.vrate_ms,
    on_ground: r.on_ground,
    squawk: r.squawk,
    smooth_lat: r.smooth_lat,
    smooth_lon: r.smooth_lon,
    smooth_alt_m: r.smooth_alt_m,
  });
}
