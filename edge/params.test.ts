import { describe, expect, it } from 'vitest';
import { checkAnomalyQuery, checkBboxQuery, checkHistoryRange, checkIcao24, parseQuery } from './params.ts';

describe('params', () => {
  it('icao24 is 6 lower-case hex digits', () => {
    expect(checkIcao24('a0b1c2')).toEqual({ ok: true, value: 'a0b1c2' });
    for (const bad of ['A0B1C2', 'a0b1c', 'a0b1c2d', 'g00000', '', '../etc'])
      expect(checkIcao24(bad).ok).toBe(false);
  });

  it('an absent bbox means the world', () => {
    expect(checkBboxQuery(undefined)).toEqual({ ok: true, value: null });
    expect(checkBboxQuery('1,2,3,4')).toEqual({ ok: true, value: [1, 2, 3, 4] });
    expect(checkBboxQuery('1,2,3').ok).toBe(false);
  });

  it('anomaly query: defaults, bounds and types', () => {
    expect(checkAnomalyQuery({})).toEqual({
      ok: true,
      value: { sinceMs: undefined, type: undefined, limit: 100, afterCursor: undefined },
    });
    expect(checkAnomalyQuery({ since: '5', type: 'go_around', limit: '1000' })).toEqual({
      ok: true,
      value: { sinceMs: 5, type: 'go_around', limit: 1000, afterCursor: undefined },
    });
    expect(checkAnomalyQuery({ after: '42', limit: '10' })).toEqual({
      ok: true,
      value: { sinceMs: undefined, type: undefined, limit: 10, afterCursor: 42 },
    });
    const bad: Record<string, string>[] = [
      { since: '-1' },
      { since: '1.5' },
      { since: '9999999999999999' }, // year 318857: PostgreSQL's timestamp range, once a 503
      { since: '4102444800000' }, // 2100-01-01
      { type: 'nope' },
      { limit: '0' },
      { limit: '1001' },
      { limit: 'x' },
      { after: '-1' },
      { after: 'x' },
      { after: '1', since: '5' },
      { after: '1', type: 'go_around' },
    ];
    for (const q of bad) {
      const r = checkAnomalyQuery(q);
      expect(r.ok, JSON.stringify(q)).toBe(false);
    }
  });

  it('history range: defaults to the last hour, bounded to 7 days', () => {
    expect(checkHistoryRange({}, 10_000_000)).toEqual({
      ok: true,
      value: { fromMs: 6_400_000, toMs: 10_000_000 },
    });
    expect(checkHistoryRange({ from: '5', to: '5' }, 0).ok).toBe(false);
    expect(checkHistoryRange({ from: '0', to: String(8 * 86_400_000) }, 0).ok).toBe(false);
    expect(checkHistoryRange({ from: 'yesterday' }, 0).ok).toBe(false);
    expect(checkHistoryRange({ from: '9999999999999990', to: '9999999999999999' }, 0)).toEqual({
      ok: false,
      error: 'from must be an integer ms epoch from 0 to before 4102444800000 (2100-01-01)',
    });
    expect(checkHistoryRange({ to: '4102444800000' }, 0).ok).toBe(false);
  });

  it('query strings: unknown, repeated and badly encoded names are errors', () => {
    expect(parseQuery('bbox=1%2C2%2C3%2C4&token=x', ['bbox'])).toEqual({
      ok: true,
      value: { bbox: '1,2,3,4', token: 'x' },
    });
    expect(parseQuery('bbbox=1', ['bbox'])).toMatchObject({
      ok: false,
      error: 'unknown query parameter "bbbox"',
    });
    expect(parseQuery('since=1', ['bbox']).ok).toBe(false);
    expect(parseQuery('bbox=1&bbox=2', ['bbox'])).toMatchObject({
      ok: false,
      error: 'query parameter bbox given twice',
    });
    expect(parseQuery('bbox=%E0%A4%A', ['bbox']).ok).toBe(false);
  });
});
