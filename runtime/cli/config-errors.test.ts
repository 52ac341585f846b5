import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.ts';

// Start-up fails clearly on each kind of bad configuration: exit 78, the variable named with
// what it takes, nothing started.
describe('start-up with bad configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it.each([
    ['run', 'HTTP_PORT', 'eighty', 'an integer from 0 to 65535'],
    ['run', 'WS_TICK_HZ', '60', 'an integer from 2 to 5'],
    ['run', 'REPLAY_SPEED', '-3', 'a number from 0.1 to 10000'],
    ['run', 'REPLAY_LOOP', 'sometimes', 'true or false'],
    ['run', 'LOG_LEVEL', 'chatty', 'one of fatal, error, warn, info'],
    ['run', 'DATABASE_URL', 'mysql://db/x', 'a postgres: or postgresql: URL or empty'],
    ['process', 'KAFKA_BROKERS', 'kafka-without-port', 'empty or host:port'],
    ['produce', 'OPENSKY_BBOX', '10,20,5,30', 'w,s,e,n in degrees'],
    ['edge', 'STALE_AFTER_S', '0', 'an integer from 5 to 3600'],
    ['run', 'SBS_ADDRESS', 'my-receiver', 'host:port'],
    ['run', 'SBS_TIME_ZONE', 'GMT+25', 'UTC, local, an offset like +02:00'],
    ['run', 'READSB_URL', 'my-receiver/data/aircraft.json', 'a http: or https: URL'],
  ])('%s with %s=%s exits 78 naming the variable', async (command, name, value, takes) => {
    process.env[name] = value;
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main([command, ...(command === 'produce' ? ['--mode', 'live'] : [])]);
    const text = err.mock.calls.flat().join('\n');
    expect(code, text).toBe(78);
    expect(text).toContain(`${name}=${JSON.stringify(value)}`);
    expect(text).toContain(takes);
  });

  it.each([
    ['sbs', 'SBS_ADDRESS is empty: SOURCE=sbs needs the receiver as host:port'],
    ['readsb', 'READSB_URL is empty: SOURCE=readsb needs the URL of aircraft.json'],
  ])('run with SOURCE=%s and no address exits 78 naming the variable', async (source, message) => {
    process.env.SOURCE = source;
    delete process.env.SBS_ADDRESS;
    delete process.env.READSB_URL;
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main(['run']);
    const text = err.mock.calls.flat().join('\n');
    expect(code, text).toBe(78);
    expect(text).toContain(message);
  });

  it('produce --mode sbs with an address that is not host:port is a usage error (64)', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['produce', '--mode', 'sbs', '--sbs', 'my-receiver'])).toBe(64);
    expect(err.mock.calls.flat().join('\n')).toContain("--sbs takes host:port, got 'my-receiver'");
  });
});
