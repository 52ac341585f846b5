import { describe, expect, it } from 'vitest';
import { RateLimitedLog } from './rate-limited.ts';

describe('RateLimitedLog', () => {
  it('writes a reason at most once per interval and says how many it held back', () => {
    let t = 0;
    const lines: [string, number][] = [];
    const log = new RateLimitedLog(
      (reason, suppressed) => lines.push([reason, suppressed]),
      10_000,
      () => t,
    );
    for (let i = 0; i < 5; i++) log.note('bad hex');
    log.note('bad date');
    t = 9_999;
    log.note('bad hex');
    t = 10_000;
    log.note('bad hex');
    expect(lines).toEqual([
      ['bad hex', 0],
      ['bad date', 0],
      ['bad hex', 5],
    ]);
  });
});
