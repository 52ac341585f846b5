import pg from 'pg';
import { ConfigError } from '../config/config.ts';

/**
 * PostgreSQL connections for the sinks, `migrate` and the edge's queries. Timestamps come back as
 * JS Dates (pg's default); numeric ids are never bigint here, so pg's defaults are fine.
 */
export interface PoolOptions {
  /** Connections at most (the history sink uses one; queries share the rest). */
  max?: number;
  /** Give up connecting after this long, so a dead server fails fast and the caller can retry. */
  connectTimeoutMs?: number;
  applicationName?: string;
  /** Server settings for every connection (sent at connect, e.g. PLAYBACK_PG_SETTINGS). */
  settings?: Readonly<Record<string, string>>;
}

/** `-c name=value` options for a connection's startup packet (names and values are ours, plain). */
function startupOptions(settings: Readonly<Record<string, string>> | undefined): string | undefined {
  if (settings === undefined) return undefined;
  const parts = Object.entries(settings).map(([k, v]) => {
    if (!/^[a-z_.]+$/.test(k) || !/^[\w.]+$/.test(v)) throw new Error(`bad PostgreSQL setting ${k}=${v}`);
    return `-c ${k}=${v}`;
  });
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** Throws a ConfigError (exit 78) naming DATABASE_URL when it is empty. */
export function requireDatabaseUrl(url: string | undefined, what: string): string {
  if (url === undefined || url.trim() === '') {
    throw new ConfigError([
      `DATABASE_URL is empty: ${what} needs PostgreSQL/PostGIS, e.g. DATABASE_URL=postgres://user:password@127.0.0.1:5432/skysentinel`,
    ]);
  }
  return url;
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000, // five seconds
    application_name: options.applicationName ?? 'skysentinel',
    options: startupOptions(options.settings),
  });
  // An idle client losing its server emits 'error' on the pool; without a listener that kills the
  // process. The next query gets a fresh connection (or a clear error), so logging is enough.
  pool.on('error', () => {});
  return pool;
}

/**
 * One connection. An idle client whose server goes away emits 'error', which would kill the
 * process without a listener; the failure shows anyway as the next query's error, so it is ignored.
 */
export function createClient(url: string, options: PoolOptions = {}): pg.Client {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: options.applicationName ?? 'skysentinel',
  });
  client.on('error', () => {});
  return client;
}

/** Errors worth retrying later: the connection or server went away, too many clients, a lost race. */
export function isRetriableError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  const code = e.code ?? '';
  if (code.startsWith('08')) return true; // connection exception
  if (['57P01', '57P02', '57P03', '53300', '40001', '40P01'].includes(code)) return true; // shutdown, too many, serialization
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return true;
  const msg = e.message ?? '';
  return /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|not queryable|terminating connection/i.test(
    msg,
  );
}
