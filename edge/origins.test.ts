import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { originAllowed, parseAllowedOrigins } from './origins.ts';

describe('EDGE_ALLOWED_ORIGINS', () => {
  it('parses empty, *, and lists of origins (normalised: lower-case host, default port dropped)', () => {
    expect(parseAllowedOrigins('')).toEqual([]);
    expect(parseAllowedOrigins('  ')).toEqual([]);
    expect(parseAllowedOrigins('*')).toEqual(['*']);
    expect(parseAllowedOrigins('https://Sky.example.org:443, http://127.0.0.1:3000/')).toEqual([
      'https://sky.example.org',
      'http://127.0.0.1:3000',
    ]);
    expect(parseAllowedOrigins('http://[::1]:8000')).toEqual(['http://[::1]:8000']);
  });

  it.each([
    ['sky.example.org', /not an origin/],
    ['https://sky.example.org/ui', /more than scheme/],
    ['https://sky.example.org?x=1', /more than scheme/],
    ['https://user@sky.example.org', /more than scheme/],
    ['ws://sky.example.org', /only http and https/],
    ['*,https://a.org', /use it alone/],
    ['https://a.org,,https://b.org', /not an origin/],
  ])('refuses %s with what is wrong', (raw, why) => {
    expect(parseAllowedOrigins(raw)).toMatch(why);
  });

  it('default: the page must come from the host the request was sent to (Host header)', () => {
    const host = '127.0.0.1:8000';
    expect(originAllowed('http://127.0.0.1:8000', host, [])).toBe(true);
    expect(originAllowed('https://127.0.0.1:8000', host, [])).toBe(true); // behind a TLS proxy keeping Host
    expect(originAllowed('http://127.0.0.1:8001', host, [])).toBe(false);
    expect(originAllowed('http://localhost:8000', host, [])).toBe(false);
    expect(originAllowed('http://evil.example', host, [])).toBe(false);
    expect(originAllowed('null', host, [])).toBe(false); // sandboxed frames, file://
    expect(originAllowed('garbage', host, [])).toBe(false);
    expect(originAllowed('http://127.0.0.1:8000', '', [])).toBe(false); // no Host: nothing to match
    // Default ports: Origin drops them, Host may or may not carry them.
    expect(originAllowed('http://sky.example.org', 'sky.example.org', [])).toBe(true);
    expect(originAllowed('http://sky.example.org', 'sky.example.org:80', [])).toBe(true);
    expect(originAllowed('https://sky.example.org', 'sky.example.org:443', [])).toBe(true);
    expect(originAllowed('HTTP://SKY.example.org', 'sky.EXAMPLE.org', [])).toBe(true);
  });

  it('no Origin header (a program, not a browser page) always passes; * passes everything', () => {
    expect(originAllowed('', '127.0.0.1:8000', [])).toBe(true);
    expect(originAllowed('', '127.0.0.1:8000', ['https://a.org'])).toBe(true);
    expect(originAllowed('http://anything.example', 'x', ['*'])).toBe(true);
  });

  it('a list allows exactly its origins, whatever the Host says', () => {
    const list = parseAllowedOrigins('https://sky.example.org,http://localhost:3000') as string[];
    expect(originAllowed('https://sky.example.org', 'internal:8000', list)).toBe(true);
    expect(originAllowed('https://SKY.example.org:443', 'internal:8000', list)).toBe(true);
    expect(originAllowed('http://localhost:3000', 'internal:8000', list)).toBe(true);
    expect(originAllowed('http://sky.example.org', 'internal:8000', list)).toBe(false); // scheme differs
    expect(originAllowed('http://internal:8000', 'internal:8000', list)).toBe(false); // the list replaces the default
    expect(originAllowed('https://sky.example.org.evil.example', 'internal:8000', list)).toBe(false);
  });

  it('property: the default allows an origin exactly when its host is the Host header', () => {
    const hostArb = fc.tuple(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }));
    fc.assert(
      fc.property(hostArb, hostArb, fc.constantFrom('http', 'https'), ([h1, p1], [h2, p2], scheme) => {
        const origin = `${scheme}://${h1}${p1 === undefined ? '' : `:${p1}`}`;
        const host = `${h2}${p2 === undefined ? '' : `:${p2}`}`;
        const o = new URL(origin);
        const h = new URL(`${scheme}://${host}`);
        expect(originAllowed(origin, host, [])).toBe(o.host === h.host);
        expect(originAllowed(origin, o.host, [])).toBe(true);
      }),
    );
  });
});
