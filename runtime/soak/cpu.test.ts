import { describe, expect, it } from 'vitest';
import { coresBetween, machineBusyTicks, processTicks } from './cpu.ts';

describe('CPU accounting from /proc', () => {
  it('reads utime + stime past a command name with spaces and parentheses', () => {
    const stat = '4242 (node (my app)) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 56 0 0 20 0 11 0 99';
    expect(processTicks(stat)).toBe(1234 + 56);
    expect(processTicks('garbage')).toBeNull();
  });

  it('counts every busy field of the machine line but idle and iowait', () => {
    const text = 'cpu  100 5 50 9000 40 3 2 1 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\n';
    expect(machineBusyTicks(text)).toBe(100 + 5 + 50 + 3 + 2 + 1);
  });

  it('gives cores per process and the rest of the machine over the interval', () => {
    const a = {
      atMs: 0,
      machine: 1_000,
      byName: new Map([
        ['edge', 100],
        ['process-1', 300],
      ]),
    };
    const b = {
      atMs: 10_000,
      machine: 1_000 + 1_500, // 1.5 cores busy over 10 s
      byName: new Map([
        ['edge', 300],
        ['process-1', 800],
        ['late', 50],
      ]),
    };
    expect(coresBetween(a, b)).toEqual({ edge: 0.2, 'process-1': 0.5, rest: 0.8, machine: 1.5 });
  });
});
