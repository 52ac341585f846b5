import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The reliability tests stop and restart Kafka and PostgreSQL under a running processor, so they
 * run their OWN instances (same scripts, their own ports and data dirs): the shared broker on
 * 19092 and cluster on 15432, which other test files use, are never touched.
 */
const run = promisify(execFile);
const SERVICES = new URL('../services/', import.meta.url).pathname;

export const OWN_KAFKA_PORT = 18692;
export const OWN_KAFKA_CONTROLLER_PORT = 18693;
export const OWN_PG_PORT = 18650;

const KAFKA_ENV = {
  KAFKA_PORT: String(OWN_KAFKA_PORT),
  KAFKA_CONTROLLER_PORT: String(OWN_KAFKA_CONTROLLER_PORT),
  KAFKA_RUN_DIR: '/var/tmp/skysentinel-reliability-kafka',
  KAFKA_HEAP: '384m',
};
const PG_ENV = { PG_PORT: String(OWN_PG_PORT), PG_BASE: '/var/tmp/skysentinel-reliability-pg' };

export const ownKafkaBrokers = `127.0.0.1:${OWN_KAFKA_PORT}`;
export const ownPostgresUrl = `postgres://skysentinel:skysentinel@127.0.0.1:${OWN_PG_PORT}/skysentinel`;

async function script(name: string, action: string, env: Record<string, string>): Promise<void> {
  try {
    await run('bash', [`${SERVICES}${name}`, action], {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${name} ${action} failed: ${err.message}\n${err.stderr ?? ''}`);
  }
}

/** start: fresh data unless keepData; stop: a controlled shutdown (SIGTERM, then SIGKILL after 30 s). */
export const ownKafka = {
  start: (keepData = false) =>
    script('kafka.sh', 'start', { ...KAFKA_ENV, KAFKA_KEEP_DATA: keepData ? '1' : '0' }),
  stop: () => script('kafka.sh', 'stop', KAFKA_ENV),
};

/** start: a fresh cluster unless keepData; stop: `pg_ctl stop -m fast`. */
export const ownPostgres = {
  start: (keepData = false) =>
    script('postgres.sh', 'start', { ...PG_ENV, PG_KEEP_DATA: keepData ? '1' : '0' }),
  stop: () => script('postgres.sh', 'stop', PG_ENV),
};
