import { describe, expect, it } from 'vitest';
import { runShutdown, shutdownOnSignals } from './shutdown.ts';

const quiet = { info: () => {}, error: () => {} };

describe('shutdown', () => {
  it('runs every step in order, and a failing step makes the exit code 1 without skipping the rest', async () => {
    const ran: string[] = [];
    const code = await runShutdown(
      [
        { name: 'a', run: () => void ran.push('a') },
        {
          name: 'b',
          run: () => {
            throw new Error('boom');
          },
        },
        { name: 'c', run: async () => void ran.push('c') },
      ],
      quiet,
    );
    expect(ran).toEqual(['a', 'c']);
    expect(code).toBe(1);
  });

  it('a fatal failure shuts down like a signal and exits 1, even when the steps succeed', async () => {
    const exits: number[] = [];
    const s = shutdownOnSignals(quiet, { signals: [], exit: (c) => exits.push(c) });
    const ran: string[] = [];
    const done = s.untilShutdown(() => [{ name: 'drain', run: () => void ran.push('drain') }]);
    s.fail('sink failed for good');
    expect(await done).toBe(1);
    expect(ran).toEqual(['drain']);
    expect(exits).toEqual([]);
  });

  it('a signal that came during start-up is not lost: the steps run as soon as they are known', async () => {
    const s = shutdownOnSignals(quiet, { signals: ['SIGUSR2'], exit: () => {} });
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(s.signalled).toBe('SIGUSR2');
    expect(await s.untilShutdown(() => [])).toBe(0);
  });
});
