import { describe, expect, it, vi } from 'vitest';
import { main } from './main.ts';

describe('skysentinel CLI dispatch', () => {
  it('lists the commands on --help and exits 0', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['--help'])).toBe(0);
    const text = log.mock.calls.flat().join('\n');
    for (const c of ['run', 'produce', 'process', 'edge', 'detect', 'migrate', 'topics'])
      expect(text).toContain(c);
    log.mockRestore();
  });
  it('rejects an unknown command with exit 64', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['fly'])).toBe(64);
    expect(err.mock.calls.flat().join('\n')).toMatch(/unknown command 'fly'/);
    err.mockRestore();
  });
  it.each(['run', 'produce', 'process', 'edge', 'detect', 'migrate', 'topics'])(
    '%s --help prints its usage and exits 0',
    async (name) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      expect(await main([name, '--help'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toContain(`Usage: skysentinel ${name}`);
      log.mockRestore();
    },
  );
});
