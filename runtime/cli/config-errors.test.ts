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
});
