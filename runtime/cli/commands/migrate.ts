import { existsSync } from 'node:fs';
import { loadAirports } from '../../../fixtures/airports.ts';
import { loadConfig } from '../../config/config.ts';
import { loadAirportsTable } from '../../db/airports.ts';
import { MigrationError, migrate } from '../../db/migrator.ts';
import { createClient, requireDatabaseUrl } from '../../db/pool.ts';
import { parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';

export const summary = 'apply sql/ migrations to DATABASE_URL and load the airports';

export const usage = `Usage: skysentinel migrate [--airports FILE | --no-airports]

Applies the sql/ migrations not yet applied to DATABASE_URL (each in a transaction, recorded in
skysentinel_migrations; safe to run twice or from two processes at once), then upserts the
airports from --airports (default AIRPORTS_FILE) into the airports table.

Exit codes: 0 done, 1 database unreachable or a migration failed, 66 airports file missing,
78 DATABASE_URL empty or invalid.`;

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, { airports: { type: 'string' }, 'no-airports': { type: 'boolean' } });
  const config = loadConfig(process.env);
  const url = requireDatabaseUrl(config.DATABASE_URL, 'migrate');
  const airportsFile = flags['no-airports'] ? null : (flags.airports ?? config.AIRPORTS_FILE);
  if (airportsFile !== null && !existsSync(airportsFile)) {
    console.error(
      `skysentinel migrate: airports file ${airportsFile} not found (pass --airports FILE or --no-airports)`,
    );
    return EXIT.NOINPUT;
  }
  const client = createClient(url, { applicationName: 'skysentinel-migrate' });
  try {
    await client.connect();
  } catch (e) {
    console.error(`skysentinel migrate: cannot connect to DATABASE_URL: ${(e as Error).message}`);
    return EXIT.FAILURE;
  }
  try {
    const result = await migrate(client, undefined, (line) => console.log(line));
    console.log(`migrations: ${result.applied.length} applied, ${result.skipped.length} already applied`);
    if (airportsFile !== null) {
      const n = await loadAirportsTable(client, loadAirports(airportsFile));
      console.log(`airports: ${n} upserted from ${airportsFile}`);
    }
    return EXIT.OK;
  } catch (e) {
    if (e instanceof MigrationError) {
      console.error(`skysentinel migrate: ${e.message}`);
      return EXIT.FAILURE;
    }
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}
