import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig, parseHostPort } from './config.ts';
import { VARS } from './definitions.ts';
import { renderEnvExample } from './env-example.ts';
import { withConfigTable, withContractTables } from './write-docs.ts';

const root = join(import.meta.dirname, '../..');

describe('configuration', () => {
  it('has the contract defaults', () => {
    const c = defaultConfig();
    expect(c.KAFKA_BROKERS).toEqual([]);
    expect(c.HTTP_HOST).toBe('127.0.0.1');
    expect(c.HTTP_PORT).toBe(8000);
    expect(c.WS_TICK_HZ).toBe(4);
    expect(c.STALE_AFTER_S).toBe(60);
    expect(c.ACTOR_IDLE_S).toBe(300);
    expect(c.REPLAY_SPEED).toBe(10);
    expect(c.SINK_BATCH_ROWS).toBe(5000);
    expect(c.SINK_FLUSH_MS).toBe(500);
    expect(c.DATABASE_URL).toBe('');
    expect(c.TOPIC_UPDATES).toBe('flights.updates');
  });

  it('EDGE_ALLOWED_ORIGINS: empty is same host as the page, else a normalised list or *', () => {
    expect(loadConfig({}).EDGE_ALLOWED_ORIGINS).toEqual([]);
    expect(
      loadConfig({ EDGE_ALLOWED_ORIGINS: 'https://Sky.Example.org, http://localhost:3000/' })
        .EDGE_ALLOWED_ORIGINS,
    ).toEqual(['https://sky.example.org', 'http://localhost:3000']);
    expect(loadConfig({ EDGE_ALLOWED_ORIGINS: '*' }).EDGE_ALLOWED_ORIGINS).toEqual(['*']);
  });

  it('parses set values', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:9092, b:9093', OPENSKY_BBOX: '-1,-2,3,4', REPLAY_LOOP: 'no' });
    expect(c.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(c.OPENSKY_BBOX).toEqual([-1, -2, 3, 4]);
    expect(c.REPLAY_LOOP).toBe(false);
  });

  it.each([
    ['HTTP_PORT', '80a', /HTTP_PORT="80a": expected an integer from 0 to 65535/],
    ['HTTP_PORT', '70000', /HTTP_PORT/],
    ['WS_TICK_HZ', '10', /WS_TICK_HZ="10": expected an integer from 2 to 5/],
    ['REPLAY_SPEED', 'fast', /REPLAY_SPEED/],
    ['REPLAY_LOOP', 'maybe', /REPLAY_LOOP="maybe": expected true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": expected one of fatal/],
    ['OPENSKY_BBOX', '1,2,3', /OPENSKY_BBOX/],
    ['OPENSKY_BBOX', '10,0,5,1', /OPENSKY_BBOX/],
    [
      'DATABASE_URL',
      'mysql://x',
      /DATABASE_URL="mysql:\/\/x": expected a postgres: or postgresql: URL or empty/,
    ],
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS="localhost": expected empty or host:port/],
    ['SOURCE', 'dump1090', /SOURCE="dump1090": expected one of replay, opensky, synthetic, sbs, readsb/],
    ['SBS_ADDRESS', 'receiver', /SBS_ADDRESS="receiver": expected host:port/],
    ['SBS_ADDRESS', 'receiver:70000', /SBS_ADDRESS="receiver:70000"/],
    ['SBS_TIME_ZONE', 'Mars/Olympus', /SBS_TIME_ZONE="Mars\/Olympus": expected UTC, local/],
    ['READSB_URL', 'receiver/data/aircraft.json', /READSB_URL=.*: expected a http: or https: URL/],
    ['READSB_POLL_MS', '10', /READSB_POLL_MS="10": expected an integer from 200/],
    [
      'EDGE_ALLOWED_ORIGINS',
      'sky.example.org',
      /EDGE_ALLOWED_ORIGINS="sky.example.org": expected empty, \* or a comma-separated list of http\(s\):\/\/host\[:port\]/,
    ],
    ['EDGE_ALLOWED_ORIGINS', 'https://sky.example.org/app', /EDGE_ALLOWED_ORIGINS=/],
    ['EDGE_ALLOWED_ORIGINS', 'ws://sky.example.org', /EDGE_ALLOWED_ORIGINS=/],
    ['EDGE_ALLOWED_ORIGINS', '*,https://a.org', /EDGE_ALLOWED_ORIGINS=/],
  ])('rejects %s=%s with the name and what it takes', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('a receiver source needs its address, named in the error', () => {
    expect(() => loadConfig({ SOURCE: 'sbs' })).toThrow(/SBS_ADDRESS is empty: SOURCE=sbs needs/);
    expect(() => loadConfig({ SOURCE: 'readsb' })).toThrow(/READSB_URL is empty: SOURCE=readsb needs/);
    const c = loadConfig({
      SOURCE: 'sbs',
      SBS_ADDRESS: 'raspberrypi.local:30003',
      SBS_TIME_ZONE: 'Europe/Paris',
    });
    expect([c.SOURCE, c.SBS_ADDRESS, c.SBS_TIME_ZONE]).toEqual([
      'sbs',
      'raspberrypi.local:30003',
      'Europe/Paris',
    ]);
    expect(parseHostPort('[::1]:30003')).toEqual({ host: '::1', port: 30003 });
    expect(parseHostPort('127.0.0.1:0')).toBeNull();
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ HTTP_PORT: 'x', WS_TICK_HZ: '9' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toHaveLength(2);
    }
  });

  it('.env.example lists every variable with its default (npm run config:docs)', () => {
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(renderEnvExample());
    for (const v of VARS) expect(renderEnvExample()).toContain(`\n${v.name}=${v.default}\n`);
  });

  it("docs/contract.md's configuration and command tables match the code (npm run config:docs)", async () => {
    const contract = readFileSync(join(root, 'docs/contract.md'), 'utf8');
    expect(await withContractTables(contract)).toBe(contract);
  });

  it("README's configuration table matches the definitions (npm run config:docs)", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });
});
