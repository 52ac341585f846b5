import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from './migrator.ts';
import { createClient } from './pool.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

const run = promisify(execFile);
const BIN = new URL('../cli/bin.js', import.meta.url).pathname;
const created: TestDatabase[] = [];
afterAll(async () => {
  for (const db of created) await db.drop();
});

async function emptyDatabase(prefix: string) {
  const db = await createTestDatabase(prefix, undefined, false);
  created.push(db);
  return db;
}

async function withClient<T>(url: string, f: (c: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const c = createClient(url);
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

const tables = (url: string) =>
  withClient(url, async (c) =>
    (
      await c.query<{ t: string }>(
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'flights_history_p%' ORDER BY 1",
      )
    ).rows.map((r) => r.t),
  );

describe('migrate', () => {
  it('applies everything once; a second run applies nothing and changes nothing', async () => {
    const db = await emptyDatabase('it_migrate_twice');
    const names = loadMigrations().map((m) => m.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    const first = await withClient(db.url, (c) => migrate(c));
    expect(first).toEqual({ applied: names, skipped: [] });
    expect(await tables(db.url)).toEqual([
      'airports',
      'anomalies',
      'flights_current',
      'flights_history',
      'skysentinel_migrations',
      'spatial_ref_sys',
    ]);
    const second = await withClient(db.url, (c) => migrate(c));
    expect(second).toEqual({ applied: [], skipped: names });
  });

  it('two concurrent runs apply each migration exactly once (advisory lock)', async () => {
    const db = await emptyDatabase('it_migrate_concurrent');
    const results = await Promise.all([0, 1, 2].map(() => withClient(db.url, (c) => migrate(c))));
    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(loadMigrations().map((m) => m.name));
    const recorded = await withClient(
      db.url,
      async (c) => (await c.query('SELECT name FROM skysentinel_migrations')).rowCount,
    );
    expect(recorded).toBe(applied.length);
  });

  it('refuses an applied migration whose file changed, and rolls back a failing one whole', async () => {
    const db = await emptyDatabase('it_migrate_changed');
    const ms = loadMigrations();
    await withClient(db.url, (c) => migrate(c, ms));
    const edited = ms.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(withClient(db.url, (c) => migrate(c, edited))).rejects.toThrow(
      /001_schema\.sql was applied with different contents/,
    );
    const broken = [
      ...ms,
      { name: '999_broken.sql', sql: 'CREATE TABLE half_done (x int); SELECT nope;', checksum: 'x' },
    ];
    await expect(withClient(db.url, (c) => migrate(c, broken))).rejects.toThrow(
      /999_broken\.sql failed: column "nope" does not exist/,
    );
    expect(await tables(db.url)).not.toContain('half_done');
  });
});

describe('skysentinel migrate (CLI)', () => {
  it('exits 78 with a message naming DATABASE_URL when it is empty', async () => {
    const err = await run('node', [BIN, 'migrate'], { env: { ...process.env, DATABASE_URL: '' } }).catch(
      (e) => e,
    );
    expect(err.code).toBe(78);
    expect(err.stderr).toMatch(/DATABASE_URL is empty: migrate needs PostgreSQL/);
  });

  it('exits 1 naming the problem when the database cannot be reached', async () => {
    const err = await run('node', [BIN, 'migrate', '--no-airports'], {
      env: { ...process.env, DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' },
    }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/cannot connect to DATABASE_URL/);
  });

  it('migrates and loads the airports; run twice, same result', async () => {
    const db = await emptyDatabase('it_migrate_cli');
    const dir = mkdtempSync(join(tmpdir(), 'skysentinel-airports-'));
    const file = join(dir, 'airports.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [-73.7781, 40.6413] },
            properties: {
              ident: 'KJFK',
              iata: 'JFK',
              name: 'John F Kennedy Intl',
              type: 'large_airport',
              elevation_m: 4,
            },
          },
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [-74.1687, 40.6925] },
            properties: {
              ident: 'KEWR',
              iata: 'EWR',
              name: 'Newark Liberty Intl',
              type: 'large_airport',
              elevation_m: null,
            },
          },
        ],
      }),
    );
    const env = { ...process.env, DATABASE_URL: db.url };
    const first = await run('node', [BIN, 'migrate', '--airports', file], { env });
    expect(first.stdout).toMatch(/applied 001_schema\.sql/);
    expect(first.stdout).toMatch(/airports: 2 upserted/);
    const second = await run('node', [BIN, 'migrate', '--airports', file], { env });
    expect(second.stdout).toMatch(/migrations: 0 applied/);
    const airports = await withClient(
      db.url,
      async (c) =>
        (
          await c.query(
            'SELECT ident, iata, ST_X(geom) AS lon, ST_Y(geom) AS lat, elevation_m FROM airports ORDER BY ident',
          )
        ).rows,
    );
    expect(airports).toEqual([
      { ident: 'KEWR', iata: 'EWR', lon: -74.1687, lat: 40.6925, elevation_m: null },
      { ident: 'KJFK', iata: 'JFK', lon: -73.7781, lat: 40.6413, elevation_m: 4 },
    ]);
    const missing = await run('node', [BIN, 'migrate', '--airports', join(dir, 'nope.geojson')], {
      env,
    }).catch((e) => e);
    expect(missing.code).toBe(66);
  });
});
