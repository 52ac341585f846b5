import { randomBytes } from 'node:crypto';
import { migrate } from './migrator.ts';
import { createClient } from './pool.ts';

/**
 * For integration tests and benchmarks: a fresh, migrated database of its own on the server in
 * DATABASE_URL (so tests never see each other's rows), dropped again by `drop()`.
 */
export function databaseUrlFromEnv(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: start PostGIS with `bash runtime/services/postgres.sh start` and `source runtime/services/env.sh`',
    );
  }
  return url;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(
  prefix: string,
  baseUrl = databaseUrlFromEnv(),
  runMigrations = true,
) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = createClient(baseUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(baseUrl, name);
  if (runMigrations) {
    const c = createClient(url);
    await c.connect();
    try {
      await migrate(c);
    } finally {
      await c.end();
    }
  }
  const db: TestDatabase = {
    url,
    name,
    async drop() {
      const a = createClient(baseUrl);
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
  return db;
}
