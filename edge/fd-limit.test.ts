import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FD_RESERVE,
  parseOpenFilesLimit,
  readOpenFilesLimit,
  softLimitNote,
  webSocketCap,
} from './fd-limit.ts';

describe('open-file limit', () => {
  it('parses /proc/self/limits', () => {
    const text =
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max processes             63422                63422                processes \n' +
      'Max open files            1024                 1048576              files     \n';
    expect(parseOpenFilesLimit(text)).toEqual({ soft: 1024, hard: 1048576 });
    expect(parseOpenFilesLimit('Max open files  unlimited  unlimited  files')?.soft).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    expect(parseOpenFilesLimit('nothing here')).toBeNull();
    expect(readOpenFilesLimit()?.soft).toBeGreaterThan(0); // Linux: this process's own
  });

  it('caps WebSockets below the soft limit minus the reserve, and says how to raise it', () => {
    expect(webSocketCap(10_000, { soft: 65_536, hard: 65_536 })).toEqual({
      maxClients: 10_000,
      warning: null,
    });
    const low = webSocketCap(10_000, { soft: 1024, hard: 1_048_576 });
    expect(low.maxClients).toBe(1024 - FD_RESERVE);
    expect(low.warning).toMatch(
      /WS_MAX_CLIENTS=10000 does not fit .* serving at most 512 .*ulimit -n 1048576/,
    );
    expect(webSocketCap(10_000, { soft: 4096, hard: 4096 }).warning).toMatch(/the hard limit is 4096 too/);
    expect(webSocketCap(10_000, null)).toEqual({ maxClients: 10_000, warning: null });
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (ws, soft) => {
        const cap = webSocketCap(ws, { soft, hard: soft }).maxClients;
        return cap <= ws && cap + FD_RESERVE <= Math.max(soft, FD_RESERVE);
      }),
    );
  });
});

describe('isLoopbackHost', () => {
  it('only loopback addresses', async () => {
    const { isLoopbackHost } = await import('./server.ts');
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', '127.0.0.1.evil', ''])
      expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('soft limit below the hard limit', () => {
  it('notes it at start with what to do, and says nothing when they agree', () => {
    expect(softLimitNote({ soft: 1024, hard: 524_288 })).toMatch(
      /soft limit 1024 is below the hard limit 524288: Node cannot raise it; start through runtime\/deploy\/raise-nofile.sh/,
    );
    expect(softLimitNote({ soft: 4096, hard: 4096 })).toBeNull();
    expect(softLimitNote(null)).toBeNull();
  });
});
