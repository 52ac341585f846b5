import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** sql/ at the repository root: NNN_name.sql files, applied in name order. */
export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

// One fixed advisory lock key: two `migrate` runs at once queue instead of racing.
const MIGRATE_LOCK = 'skysentinel.migrate';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = SQL_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

/**
 * Applies the migrations not yet recorded in skysentinel_migrations, each in its own transaction
 * with its record, under a session advisory lock (so concurrent runs apply each one exactly once).
 * A recorded migration whose file has changed is an error: migrations are append-only.
 */
export async function migrate(
  client: pg.Client | pg.PoolClient,
  migrations = loadMigrations(),
  log: (line: string) => void = () => {},
): Promise<MigrateResult> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATE_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS skysentinel_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM skysentinel_migrations',
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    const result: MigrateResult = { applied: [], skipped: [] };
    for (const m of migrations) {
      const recorded = done.get(m.name);
      if (recorded !== undefined) {
        if (recorded !== m.checksum) {
          throw new MigrationError(
            `sql/${m.name} was applied with different contents (checksum ${recorded.slice(0, 12)}, file ${m.checksum.slice(0, 12)}); add a new migration instead of editing an applied one`,
          );
        }
        result.skipped.push(m.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO skysentinel_migrations (name, checksum) VALUES ($1, $2)', [
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw new MigrationError(`sql/${m.name} failed: ${(e as Error).message}`);
      }
      log(`applied ${m.name}`);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATE_LOCK]).catch(() => {});
  }
}
