import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSafeText, LIVE_MAX_AHEAD_MS, liveClockViolation, TS_MAX_MS, TS_MIN_MS } from './bounds.ts';

describe('contract bounds', () => {
  it('the time range is [2000-01-01, 2100-01-01)', () => {
    expect(new Date(TS_MIN_MS).toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(new Date(TS_MAX_MS).toISOString()).toBe('2100-01-01T00:00:00.000Z');
  });

  it('safe text: every string without the listed characters passes, any with one of them fails', () => {
    const unsafe = fc.constantFrom(
      '\u0000',
      '\u001f',
      '\u007f',
      '\u0085',
      '\u00ad',
      '\u061c',
      '\u180e',
      '\u200b',
      '\u200f',
      '\u2028',
      '\u202e',
      '\u2066',
      '\u2069',
      '\ufeff',
      '\ufffb',
      '\ud800',
      '\udfff',
    );
    const safeChar = fc
      .integer({ min: 0x20, max: 0x7e })
      .map((c) => String.fromCharCode(c))
      .filter((c) => c !== '\u007f');
    const safe = fc.array(fc.oneof(safeChar, fc.constantFrom('é', 'ß', '\u{1F6EB}')), { maxLength: 20 });
    fc.assert(fc.property(safe, (chars) => isSafeText(chars.join(''))));
    fc.assert(
      fc.property(safe, unsafe, fc.nat(20), (chars, bad, at) => {
        const s = [...chars];
        s.splice(Math.min(at, s.length), 0, bad);
        return !isSafeText(s.join(''));
      }),
    );
  });

  it('live clock: a live fix more than 60 s ahead of the wall clock is refused, a replay never', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(liveClockViolation({ ts: now + LIVE_MAX_AHEAD_MS, source: 'opensky' }, now)).toBeNull();
    expect(liveClockViolation({ ts: now + LIVE_MAX_AHEAD_MS + 1, source: 'opensky' }, now)).toMatch(
      /^ts: 60 s ahead of the wall clock/,
    );
    expect(liveClockViolation({ ts: now + 3_600_000 }, now)).toMatch(/^ts: 3600 s ahead/); // no source: live
    expect(liveClockViolation({ ts: now - 86_400_000, source: 'synthetic' }, now)).toBeNull(); // late is fine
    expect(liveClockViolation({ ts: now, last_contact: now + 120_000, source: 'opensky' }, now)).toMatch(
      /^last_contact: 120 s ahead/,
    );
    expect(liveClockViolation({ ts: now + 10 * 86_400_000, source: 'replay' }, now)).toBeNull();
  });
});
